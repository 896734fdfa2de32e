import { describe, expect, it } from "vitest";
import { type TestApp, useTestApp } from "../../../test/support/app";
import {
  affiliatesService,
  affiliateWithSales,
  createUser,
  freshHeaders,
  stats,
} from "../../../test/support/factories";
import { DAY_MS } from "./affiliates.models";

const requestPayout = (ctx: TestApp, headers: Record<string, string>, payload: unknown, key?: string) =>
  ctx.app.inject({
    method: "POST",
    url: "/api/v1/affiliates/me/payouts",
    headers: key ? { ...headers, "idempotency-key": key } : headers,
    payload: payload as object,
  });

/** An affiliate with 5012 available (two 12-month sales, 30 days on). */
async function readyToCashOut(ctx: TestApp, sales = 2) {
  const affiliate = await affiliateWithSales(ctx.deps, sales);
  ctx.clock.advance(30 * DAY_MS);
  return { ...affiliate, headers: await freshHeaders(ctx.deps, affiliate.user.id) };
}

describe("POST /api/v1/affiliates/me/payouts", () => {
  const ctx = useTestApp();

  describe("happy path", () => {
    it("requests the whole available balance, which then shows as requested", async () => {
      const { headers, user } = await readyToCashOut(ctx());
      const res = await requestPayout(ctx(), headers, { amountMinor: 5012 });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ amountMinor: 5012, currency: "GBP", status: "requested" });
      expect(res.json().createdAt).toBe(ctx().clock.now().toISOString());
      expect(await stats(ctx().deps, user.id)).toMatchObject({ availableMinor: 5012, requestedMinor: 5012 });
      const audit = await ctx().deps.audit.listForSubject("affiliate_payout", res.json().id);
      expect(audit.map((a) => a.action)).toEqual(["affiliates.payout_requested"]);
    });

    it("replays the first response for a repeated Idempotency-Key and requests nothing more", async () => {
      const { headers, user } = await readyToCashOut(ctx(), 3);
      const first = await requestPayout(ctx(), headers, { amountMinor: 5000 }, "payout-1");
      const again = await requestPayout(ctx(), headers, { amountMinor: 5000 }, "payout-1");
      expect(again.statusCode).toBe(201);
      expect(again.json()).toEqual(first.json());
      expect((await stats(ctx().deps, user.id)).requestedMinor).toBe(5000);
    });

    it("requests inside the caller's transaction, so the payout commits with the key's stored response", async () => {
      // The route runs it in the Idempotency-Key's transaction: a crash before the response is
      // stored must leave no payout for the retry to request again.
      const { deps } = ctx();
      const { user } = await readyToCashOut(ctx());
      const undone = await deps.db
        .transaction(async (tx) => {
          await affiliatesService(deps).requestPayout(user.id, 5000, tx);
          throw new Error("process killed before the response was stored");
        })
        .catch((e: Error) => e.message);
      expect(undone).toBe("process killed before the response was stored");
      expect((await stats(deps, user.id)).requestedMinor).toBe(0);
    });

    it("lists the caller's payouts newest first and shows one by id", async () => {
      const { headers } = await readyToCashOut(ctx(), 4);
      const first = await requestPayout(ctx(), headers, { amountMinor: 5000 });
      ctx().clock.advance(10_000);
      const second = await requestPayout(ctx(), headers, { amountMinor: 5000 });
      const list = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/affiliates/me/payouts?limit=1",
        headers,
      });
      expect(list.json().items.map((p: { id: string }) => p.id)).toEqual([second.json().id]);
      const rest = await ctx().app.inject({
        method: "GET",
        url: `/api/v1/affiliates/me/payouts?limit=1&cursor=${list.json().nextCursor}`,
        headers,
      });
      expect(rest.json()).toEqual({ items: [first.json()], nextCursor: null });
      const one = await ctx().app.inject({
        method: "GET",
        url: `/api/v1/affiliates/me/payouts/${first.json().id}`,
        headers,
      });
      expect(one.json()).toEqual(first.json());
    });
  });

  describe("errors", () => {
    it.each([
      ["zero", 0],
      ["negative", -5000],
      ["fractional", 5000.5],
      ["a string", "5000"],
      ["missing", undefined],
    ])("answers 400 request.invalid for an amount that is %s", async (_label, amountMinor) => {
      const { headers, user } = await readyToCashOut(ctx());
      const res = await requestPayout(ctx(), headers, { amountMinor });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: "request.invalid", errors: [{ path: "amountMinor" }] });
      expect((await stats(ctx().deps, user.id)).requestedMinor).toBe(0);
    });

    it("answers 400 affiliates.below_minimum under £50.00, and accepts exactly £50.00", async () => {
      const { headers } = await readyToCashOut(ctx());
      const below = await requestPayout(ctx(), headers, { amountMinor: 4999 });
      expect(below.statusCode).toBe(400);
      expect(below.json().code).toBe("affiliates.below_minimum");
      expect((await requestPayout(ctx(), headers, { amountMinor: 5000 })).statusCode).toBe(201);
    });

    it("answers 409 affiliates.insufficient_balance above what is available less what is requested", async () => {
      const { headers } = await readyToCashOut(ctx(), 3);
      const above = await requestPayout(ctx(), headers, { amountMinor: 7519 });
      expect(above.statusCode).toBe(409);
      expect(above.json().code).toBe("affiliates.insufficient_balance");
      expect((await requestPayout(ctx(), headers, { amountMinor: 5000 })).statusCode).toBe(201);
      ctx().clock.advance(10_000);
      // 7518 available, 5000 already requested: 2518 is left, under the minimum.
      const again = await requestPayout(ctx(), headers, { amountMinor: 5000 });
      expect(again.json().code).toBe("affiliates.insufficient_balance");
    });

    it("does not count pending commission as available", async () => {
      const { headers } = await affiliateWithSales(ctx().deps, 2);
      const res = await requestPayout(ctx(), headers, { amountMinor: 5000 });
      expect(res.json().code).toBe("affiliates.insufficient_balance");
    });

    it("answers 429 with Retry-After to a second request within 10 seconds", async () => {
      const { headers } = await readyToCashOut(ctx(), 4);
      expect((await requestPayout(ctx(), headers, { amountMinor: 5000 })).statusCode).toBe(201);
      ctx().clock.advance(6_500);
      const soon = await requestPayout(ctx(), headers, { amountMinor: 5000 });
      expect(soon.statusCode).toBe(429);
      expect(soon.headers["retry-after"]).toBe("4");
      ctx().clock.advance(3_500);
      expect((await requestPayout(ctx(), headers, { amountMinor: 5000 })).statusCode).toBe(201);
    });

    it("answers 409 request.idempotency_key_reused for the same key with another amount", async () => {
      const { headers } = await readyToCashOut(ctx(), 4);
      await requestPayout(ctx(), headers, { amountMinor: 5000 }, "k");
      const res = await requestPayout(ctx(), headers, { amountMinor: 6000 }, "k");
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("request.idempotency_key_reused");
    });

    it("answers 404 affiliates.not_registered to a user who is not an affiliate", async () => {
      const { headers } = await createUser(ctx().deps);
      const res = await requestPayout(ctx(), headers, { amountMinor: 5000 });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("affiliates.not_registered");
    });
  });

  describe("security", () => {
    it("answers 401 without a token", async () => {
      const res = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/affiliates/me/payouts",
        payload: { amountMinor: 5000 },
      });
      expect(res.statusCode).toBe(401);
    });

    it("answers 404 for another affiliate's payout id, exactly as for an unknown one", async () => {
      const alice = await readyToCashOut(ctx());
      const bob = await affiliateWithSales(ctx().deps, 0);
      const payout = (await requestPayout(ctx(), alice.headers, { amountMinor: 5012 })).json();
      for (const id of [payout.id, "pyo_DOESNOTEXIST"]) {
        const res = await ctx().app.inject({
          method: "GET",
          url: `/api/v1/affiliates/me/payouts/${id}`,
          headers: bob.headers,
        });
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe("affiliates.payout_not_found");
      }
      const list = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/affiliates/me/payouts",
        headers: bob.headers,
      });
      expect(list.json().items).toEqual([]);
    });

    it("an Idempotency-Key is the caller's own: another affiliate using it gets their own payout", async () => {
      const alice = await readyToCashOut(ctx());
      const bob = await readyToCashOut(ctx());
      const a = await requestPayout(ctx(), alice.headers, { amountMinor: 5012 }, "shared-key");
      const b = await requestPayout(ctx(), bob.headers, { amountMinor: 5012 }, "shared-key");
      expect(b.statusCode).toBe(201);
      expect(b.json().id).not.toBe(a.json().id);
    });
  });
});

describe("payouts under concurrency", () => {
  const ctx = useTestApp();

  it("50 parallel requests for the whole balance: exactly one succeeds and nothing goes negative", async () => {
    const { headers, user } = await readyToCashOut(ctx());
    const results = await Promise.all(
      Array.from({ length: 50 }, () => requestPayout(ctx(), headers, { amountMinor: 5012 })),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c !== 201).every((c) => c === 429 || c === 409)).toBe(true);
    const s = await stats(ctx().deps, user.id);
    expect(s).toMatchObject({ availableMinor: 5012, requestedMinor: 5012 });
    expect(s.availableMinor - s.requestedMinor).toBeGreaterThanOrEqual(0);
  });

  it("even with no spacing between requests, the balance check alone lets only one of 50 through", async () => {
    const { deps } = ctx();
    const { user } = await readyToCashOut(ctx());
    const unspaced = affiliatesService(deps, { payoutIntervalMs: 0 });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => unspaced.requestPayout(user.id, 5012)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refusals = results
      .filter((r) => r.status === "rejected")
      .map((r) => (r.reason as { code: string }).code);
    expect(new Set(refusals)).toEqual(new Set(["affiliates.insufficient_balance"]));
    expect((await stats(deps, user.id)).requestedMinor).toBe(5012);
  });
});
