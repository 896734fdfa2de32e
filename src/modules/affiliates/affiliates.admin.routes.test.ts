import { describe, expect, it } from "vitest";
import { type TestApp, useTestApp } from "../../../test/support/app";
import { affiliateWithSales, createUser, freshHeaders, refund, stats } from "../../../test/support/factories";
import { DAY_MS } from "./affiliates.models";

async function withRequestedPayout(ctx: TestApp, sales: number, amountMinor: number) {
  const affiliate = await affiliateWithSales(ctx.deps, sales);
  ctx.clock.advance(30 * DAY_MS);
  const payout = await ctx.deps.affiliates.requestPayout(affiliate.user.id, amountMinor);
  const admin = await createUser(ctx.deps, { admin: true });
  return { ...affiliate, payout, admin };
}

const post = (ctx: TestApp, url: string, headers: Record<string, string>, payload: object) =>
  ctx.app.inject({ method: "POST", url, headers, payload });

const ledger = (ctx: TestApp, userId: string) =>
  ctx.deps.affiliates.commissions(userId, { limit: 100, cursor: null }).then((p) => p.items);

describe("admin payouts", () => {
  const ctx = useTestApp();

  describe("happy path", () => {
    it("lists payouts by status with their affiliate", async () => {
      const { payout, admin, code, user } = await withRequestedPayout(ctx(), 2, 5012);
      const res = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/admin/payouts?status=requested",
        headers: admin.headers,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        items: [
          expect.objectContaining({
            id: payout.id,
            amountMinor: 5012,
            status: "requested",
            affiliate: expect.objectContaining({ code, userId: user.id }),
          }),
        ],
        nextCursor: null,
      });
      const paid = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/admin/payouts?status=paid",
        headers: admin.headers,
      });
      expect(paid.json().items).toEqual([]);
    });

    it("completing pays commissions oldest first to exactly the amount, splitting the one partly covered", async () => {
      const { payout, admin, user, sales } = await withRequestedPayout(ctx(), 3, 5000);
      await post(ctx(), `/api/v1/admin/payouts/${payout.id}/approve`, admin.headers, {});
      const res = await post(ctx(), `/api/v1/admin/payouts/${payout.id}/complete`, admin.headers, {
        reference: "BACS 2026-12-21",
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: "paid", reference: "BACS 2026-12-21", amountMinor: 5000 });
      expect(await stats(ctx().deps, user.id)).toMatchObject({
        paidMinor: 5000,
        availableMinor: 2518,
        requestedMinor: 0,
      });
      const entries = await ledger(ctx(), user.id);
      const summary = (orderId: string) =>
        entries
          .filter((e) => e.orderId === orderId)
          .map((e) => `${e.amountMinor}:${e.status}`)
          .sort();
      expect(summary(sales[0]!.id)).toEqual(["2506:paid"]);
      expect(summary(sales[1]!.id)).toEqual(["12:available", "2494:paid"]);
      expect(summary(sales[2]!.id)).toEqual(["2506:available"]);
      const audit = await ctx().deps.audit.listForSubject("affiliate_payout", payout.id);
      expect(audit.map((a) => [a.action, a.actorId]).sort()).toEqual([
        ["affiliates.payout_approved", admin.user.id],
        ["affiliates.payout_completed", admin.user.id],
        ["affiliates.payout_requested", user.id],
      ]);
    });

    it("rejecting makes the amount available to request again", async () => {
      const { payout, admin, user } = await withRequestedPayout(ctx(), 2, 5012);
      const res = await post(ctx(), `/api/v1/admin/payouts/${payout.id}/reject`, admin.headers, {
        reason: "bank details missing",
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: "rejected", rejectionReason: "bank details missing" });
      expect(await stats(ctx().deps, user.id)).toMatchObject({
        availableMinor: 5012,
        requestedMinor: 0,
        paidMinor: 0,
      });
      ctx().clock.advance(10_000);
      await expect(ctx().deps.affiliates.requestPayout(user.id, 5012)).resolves.toMatchObject({
        status: "requested",
      });
      const audit = await ctx().deps.audit.listForSubject("affiliate_payout", payout.id);
      expect(audit.find((a) => a.action === "affiliates.payout_rejected")).toMatchObject({
        actorId: admin.user.id,
        data: { reason: "bank details missing" },
      });
    });

    it("approving a first payout held for review lets it be completed (issue 17)", async () => {
      const { payout, admin, user } = await withRequestedPayout(ctx(), 2, 5012);
      const queue = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/admin/payouts?status=requested",
        headers: admin.headers,
      });
      expect(queue.json().items).toEqual([
        expect.objectContaining({ id: payout.id, heldForReview: true, approvedAt: null }),
      ]);
      const approved = await post(ctx(), `/api/v1/admin/payouts/${payout.id}/approve`, admin.headers, {});
      expect(approved.statusCode).toBe(200);
      expect(approved.json()).toMatchObject({
        id: payout.id,
        status: "requested",
        heldForReview: true,
        approvedAt: ctx().clock.now().toISOString(),
      });
      const done = await post(ctx(), `/api/v1/admin/payouts/${payout.id}/complete`, admin.headers, {
        reference: "BACS 1",
      });
      expect(done.statusCode).toBe(200);
      expect((await stats(ctx().deps, user.id)).paidMinor).toBe(5012);
      const mine = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/affiliates/me/payouts",
        headers: await freshHeaders(ctx().deps, user.id),
      });
      expect(mine.json().items).toEqual([
        expect.objectContaining({ id: payout.id, status: "paid", heldForReview: true }),
      ]);
    });
  });

  describe("errors", () => {
    it("answers 409 affiliates.payout_not_requested when the payout was already decided", async () => {
      const { payout, admin, user } = await withRequestedPayout(ctx(), 2, 5012);
      await post(ctx(), `/api/v1/admin/payouts/${payout.id}/approve`, admin.headers, {});
      await post(ctx(), `/api/v1/admin/payouts/${payout.id}/complete`, admin.headers, { reference: "r1" });
      for (const [action, body] of [
        ["complete", { reference: "r2" }],
        ["reject", { reason: "late" }],
      ] as const) {
        const res = await post(ctx(), `/api/v1/admin/payouts/${payout.id}/${action}`, admin.headers, body);
        expect(res.statusCode).toBe(409);
        expect(res.json().code).toBe("affiliates.payout_not_requested");
      }
      expect((await stats(ctx().deps, user.id)).paidMinor).toBe(5012);
    });

    it("answers 409 affiliates.payout_held to completing a first payout no admin approved, paying nothing", async () => {
      const { payout, admin, user } = await withRequestedPayout(ctx(), 2, 5012);
      const res = await post(ctx(), `/api/v1/admin/payouts/${payout.id}/complete`, admin.headers, {
        reference: "r1",
      });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("affiliates.payout_held");
      expect(await stats(ctx().deps, user.id)).toMatchObject({ paidMinor: 0, requestedMinor: 5012 });
    });

    it("answers 409 affiliates.payout_not_held to approving twice, 404 to an unknown payout", async () => {
      const { payout, admin } = await withRequestedPayout(ctx(), 2, 5012);
      await post(ctx(), `/api/v1/admin/payouts/${payout.id}/approve`, admin.headers, {});
      const again = await post(ctx(), `/api/v1/admin/payouts/${payout.id}/approve`, admin.headers, {});
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe("affiliates.payout_not_held");
      const unknown = await post(ctx(), "/api/v1/admin/payouts/pyo_NOPE/approve", admin.headers, {});
      expect(unknown.statusCode).toBe(404);
    });

    it("answers 404 affiliates.payout_not_found for an unknown payout", async () => {
      const admin = await createUser(ctx().deps, { admin: true });
      const res = await post(ctx(), "/api/v1/admin/payouts/pyo_NOPE/complete", admin.headers, {
        reference: "r",
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("affiliates.payout_not_found");
    });

    it("answers 400 for a missing reference or reason and an unknown status filter", async () => {
      const { payout, admin } = await withRequestedPayout(ctx(), 2, 5012);
      expect(
        (await post(ctx(), `/api/v1/admin/payouts/${payout.id}/complete`, admin.headers, {})).statusCode,
      ).toBe(400);
      expect(
        (await post(ctx(), `/api/v1/admin/payouts/${payout.id}/reject`, admin.headers, { reason: " " }))
          .statusCode,
      ).toBe(400);
      const list = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/admin/payouts?status=lost",
        headers: admin.headers,
      });
      expect(list.statusCode).toBe(400);
    });
  });

  describe("security", () => {
    it("answers 401 without a token and 403 to a non-admin, changing nothing", async () => {
      const { payout, user } = await withRequestedPayout(ctx(), 2, 5012);
      const headers = await freshHeaders(ctx().deps, user.id);
      const anonymous = await ctx().app.inject({ method: "GET", url: "/api/v1/admin/payouts" });
      expect(anonymous.statusCode).toBe(401);
      for (const [action, body] of [
        ["approve", {}],
        ["complete", { reference: "r" }],
        ["reject", { reason: "r" }],
      ] as const) {
        const res = await post(ctx(), `/api/v1/admin/payouts/${payout.id}/${action}`, headers, body);
        expect(res.statusCode).toBe(403);
        const bare = await ctx().app.inject({
          method: "POST",
          url: `/api/v1/admin/payouts/${payout.id}/${action}`,
        });
        expect(bare.statusCode).toBe(401);
      }
      expect((await stats(ctx().deps, user.id)).requestedMinor).toBe(5012);
      expect((await ctx().deps.affiliates.payouts.findOwn(user.id, payout.id)).approvedAt).toBeNull();
    });
  });
});

describe("refunds racing payouts", () => {
  const ctx = useTestApp();

  it("a refund racing a payout request never leaves more requested than available", async () => {
    const affiliate = await affiliateWithSales(ctx().deps, 2);
    ctx().clock.advance(30 * DAY_MS);
    const [request] = await Promise.allSettled([
      ctx().deps.affiliates.requestPayout(affiliate.user.id, 5012),
      refund(ctx().deps, affiliate.sales[0]!.id),
    ]);
    const s = await stats(ctx().deps, affiliate.user.id);
    expect(s).toMatchObject({ availableMinor: 2506, requestedMinor: 0 });
    // Either the request lost (409) or it won and the refund rejected it right after.
    if (request.status === "rejected") {
      expect((request.reason as { code: string }).code).toBe("affiliates.insufficient_balance");
    } else {
      const [payout] = (
        await ctx().deps.affiliates.payouts.listOwn(affiliate.user.id, { limit: 1, cursor: null })
      ).items;
      expect(payout).toMatchObject({
        status: "rejected",
        rejectionReason: expect.stringContaining("refund"),
      });
    }
  });

  it("a refund after a payout was requested rejects it, so money a refund took back is never paid out", async () => {
    const { payout, admin, user, sales } = await withRequestedPayout(ctx(), 2, 5012);
    await refund(ctx().deps, sales[1]!.id);
    const res = await post(ctx(), `/api/v1/admin/payouts/${payout.id}/complete`, admin.headers, {
      reference: "r",
    });
    expect(res.statusCode).toBe(409);
    expect(await stats(ctx().deps, user.id)).toMatchObject({
      availableMinor: 2506,
      requestedMinor: 0,
      paidMinor: 0,
    });
    const audit = await ctx().deps.audit.listForSubject("affiliate_payout", payout.id);
    expect(audit.find((a) => a.action === "affiliates.payout_rejected")).toMatchObject({
      actorKind: "system",
    });
  });

  it("a refund racing the payout's completion ends either clawed back or rejected, never paid twice", async () => {
    const { payout, admin, user, sales } = await withRequestedPayout(ctx(), 2, 5012);
    await ctx().deps.affiliates.admin.approvePayout(admin.user, payout.id);
    const [completion] = await Promise.allSettled([
      ctx().deps.affiliates.admin.completePayout(admin.user, payout.id, "r"),
      refund(ctx().deps, sales[0]!.id),
    ]);
    const s = await stats(ctx().deps, user.id);
    if (completion.status === "fulfilled") {
      expect(s).toMatchObject({ paidMinor: 5012, availableMinor: 0, owedMinor: 2506, requestedMinor: 0 });
    } else {
      expect((completion.reason as { code: string }).code).toBe("affiliates.payout_not_requested");
      expect(s).toMatchObject({ paidMinor: 0, availableMinor: 2506, owedMinor: 0, requestedMinor: 0 });
    }
    const entries = await ledger(ctx(), user.id);
    const net = entries.filter((e) => e.status !== "reversed").reduce((sum, e) => sum + e.amountMinor, 0);
    expect(net).toBe(s.paidMinor + s.availableMinor - s.owedMinor);
  });
});
