import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";
import { ORDER_TTL_MS } from "./orders.models";

describe("orders API", () => {
  const ctx = useTestApp();

  async function premiumTierId(level: "premium" | "vip" = "premium") {
    await ctx().deps.catalog.seedDefaultCatalog();
    const tiers = (await ctx().deps.catalog.view()).categories[0]!.products[0]!.tiers;
    return tiers.find((t) => t.level === level)!.id;
  }

  async function buyer() {
    return createUser(ctx().deps);
  }

  type Person = Awaited<ReturnType<typeof createUser>>;
  /** Moves the clock; access tokens live an hour, so the people acting afterwards sign in again. */
  async function advance(ms: number, ...people: Person[]) {
    ctx().clock.advance(ms);
    for (const p of people) p.headers.authorization = `Bearer ${await ctx().deps.tokens.issue(p.user.id)}`;
  }

  const post = (url: string, headers: Record<string, string>, payload?: Record<string, unknown>) =>
    ctx().app.inject({ method: "POST", url, headers, ...(payload === undefined ? {} : { payload }) });
  const get = (url: string, headers: Record<string, string>) =>
    ctx().app.inject({ method: "GET", url, headers });

  async function placeOrder(headers: Record<string, string>, body: Record<string, unknown> = {}) {
    const tierId = await premiumTierId();
    const res = await post("/api/v1/orders", headers, { tierId, months: 1, ...body });
    expect(res.statusCode).toBe(201);
    return res.json();
  }

  describe("POST /api/v1/orders", () => {
    describe("happy path", () => {
      it("creates a pending order that locks the quote, its total and its currency", async () => {
        const { headers } = await buyer();
        const tierId = await premiumTierId();
        const quote = (await get(`/api/v1/quotes?tierId=${tierId}&months=12&region=EU`, headers)).json();
        const res = await post("/api/v1/orders", headers, { tierId, months: 12, region: "EU" });
        expect(res.statusCode).toBe(201);
        const order = res.json();
        expect(order).toMatchObject({
          status: "pending",
          tierId,
          months: 12,
          region: "EU",
          quote,
          totalMinor: quote.totalMinor,
          currency: "EUR",
          provider: null,
          paidAt: null,
        });
        expect(order.id).toMatch(/^ord_/);
        expect(Date.parse(order.expiresAt) - Date.parse(order.createdAt)).toBe(ORDER_TTL_MS);
      });

      it("keeps the locked price and exact FX rate even after the catalog price changes", async () => {
        const { headers, user } = await buyer();
        const admin = await createUser(ctx().deps, { admin: true });
        const order = await placeOrder(headers, { region: "US" });
        await ctx().deps.catalog.updateTier(admin.user, order.tierId, { monthlyPriceMinor: 9900 });
        const again = (await get(`/api/v1/orders/${order.id}`, headers)).json();
        expect(again.totalMinor).toBe(order.totalMinor);
        expect(again.quote).toEqual(order.quote);
        const [row] = await ctx().database.query<{ fx_rate: string }>(
          "select fx_rate from orders where user_id = $1",
          [user.id],
        );
        expect(row!.fx_rate).toBe("1.27");
      });

      it("prices in the buyer's own region when the body names none", async () => {
        const { headers } = await buyer();
        await ctx().app.inject({ method: "PATCH", url: "/api/v1/me", headers, payload: { region: "ASIA" } });
        const order = await placeOrder(headers);
        expect(order).toMatchObject({ region: "ASIA", currency: "SGD" });
      });
    });

    describe("errors", () => {
      it("answers 400 request.invalid for months outside 1, 3, 6, 12", async () => {
        const { headers } = await buyer();
        const tierId = await premiumTierId();
        const res = await post("/api/v1/orders", headers, { tierId, months: 2 });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ code: "request.invalid", errors: [{ path: "months" }] });
      });

      it("answers 400 for an unknown region and 404 for an unknown tier, creating nothing", async () => {
        const { headers } = await buyer();
        const tierId = await premiumTierId();
        const region = await post("/api/v1/orders", headers, { tierId, months: 1, region: "MARS" });
        expect(region.statusCode).toBe(400);
        const tier = await post("/api/v1/orders", headers, { tierId: "tier_NOPE", months: 1 });
        expect(tier.statusCode).toBe(404);
        expect(tier.json().code).toBe("catalog.tier_not_found");
        expect((await get("/api/v1/orders", headers)).json().items).toEqual([]);
      });
    });

    describe("security", () => {
      it("answers 401 without a token", async () => {
        const res = await post("/api/v1/orders", {}, { tierId: "x", months: 1 });
        expect(res.statusCode).toBe(401);
      });
    });
  });

  describe("Idempotency-Key on POST /api/v1/orders", () => {
    it("replays the first response for a repeat with the same key and body, creating one order", async () => {
      const { headers } = await buyer();
      const tierId = await premiumTierId();
      const keyed = { ...headers, "idempotency-key": "order-attempt-1" };
      const first = await post("/api/v1/orders", keyed, { tierId, months: 3 });
      const second = await post("/api/v1/orders", keyed, { months: 3, tierId });
      expect(first.statusCode).toBe(201);
      expect(second.statusCode).toBe(201);
      expect(second.json()).toEqual(first.json());
      expect(second.headers["idempotent-replayed"]).toBe("true");
      expect((await get("/api/v1/orders", headers)).json().items).toHaveLength(1);
    });

    it("answers 409 request.idempotency_key_reused for the same key with a different body", async () => {
      const { headers } = await buyer();
      const tierId = await premiumTierId();
      const keyed = { ...headers, "idempotency-key": "order-attempt-2" };
      await post("/api/v1/orders", keyed, { tierId, months: 3 });
      const res = await post("/api/v1/orders", keyed, { tierId, months: 6 });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("request.idempotency_key_reused");
      expect((await get("/api/v1/orders", headers)).json().items).toHaveLength(1);
    });

    it("settles ten concurrent requests with one key into one order and ten identical answers", async () => {
      const { headers } = await buyer();
      const tierId = await premiumTierId();
      const keyed = { ...headers, "idempotency-key": "double-click" };
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => post("/api/v1/orders", keyed, { tierId, months: 1 })),
      );
      expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
      expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
      expect((await get("/api/v1/orders", headers)).json().items).toHaveLength(1);
    });

    it("keeps keys per user: another user's identical key creates their own order", async () => {
      const a = await buyer();
      const b = await buyer();
      const tierId = await premiumTierId();
      const body = { tierId, months: 1 };
      const first = await post("/api/v1/orders", { ...a.headers, "idempotency-key": "k" }, body);
      const second = await post("/api/v1/orders", { ...b.headers, "idempotency-key": "k" }, body);
      expect(second.statusCode).toBe(201);
      expect(second.json().id).not.toBe(first.json().id);
    });

    it("refuses an empty or over-long key with 400", async () => {
      const { headers } = await buyer();
      const tierId = await premiumTierId();
      for (const key of ["", "k".repeat(256)]) {
        const res = await post(
          "/api/v1/orders",
          { ...headers, "idempotency-key": key },
          { tierId, months: 1 },
        );
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe("request.invalid");
      }
    });

    it("replays a refusal too: a repeat of a request that got 404 gets the same 404", async () => {
      const { headers } = await buyer();
      await premiumTierId();
      const keyed = { ...headers, "idempotency-key": "bad-tier" };
      const first = await post("/api/v1/orders", keyed, { tierId: "tier_NOPE", months: 1 });
      const second = await post("/api/v1/orders", keyed, { tierId: "tier_NOPE", months: 1 });
      expect(first.statusCode).toBe(404);
      expect(second.statusCode).toBe(404);
      expect(second.json()).toEqual(first.json());
      expect(second.headers["content-type"]).toContain("application/problem+json");
    });
  });

  describe("GET /api/v1/orders and /api/v1/orders/{id}", () => {
    it("lists the caller's orders newest first in pages with an opaque cursor", async () => {
      const { headers } = await buyer();
      const created = [];
      for (let i = 0; i < 5; i++) {
        created.push(await placeOrder(headers));
        ctx().clock.advance(1000);
      }
      const first = (await get("/api/v1/orders?limit=2", headers)).json();
      expect(first.items.map((o: { id: string }) => o.id)).toEqual([created[4].id, created[3].id]);
      const second = (await get(`/api/v1/orders?limit=2&cursor=${first.nextCursor}`, headers)).json();
      expect(second.items.map((o: { id: string }) => o.id)).toEqual([created[2].id, created[1].id]);
      const last = (await get(`/api/v1/orders?limit=2&cursor=${second.nextCursor}`, headers)).json();
      expect(last).toEqual({ items: [expect.objectContaining({ id: created[0].id })], nextCursor: null });
    });

    it("defaults to 20 per page and refuses a limit outside 1..100 or a forged cursor", async () => {
      const { headers } = await buyer();
      await placeOrder(headers);
      expect((await get("/api/v1/orders", headers)).json()).toMatchObject({ nextCursor: null });
      for (const query of ["limit=0", "limit=101", "cursor=bm9wZQ"]) {
        const res = await get(`/api/v1/orders?${query}`, headers);
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe("request.invalid");
      }
    });

    it("shows one own order", async () => {
      const { headers } = await buyer();
      const order = await placeOrder(headers);
      const res = await get(`/api/v1/orders/${order.id}`, headers);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(order);
    });

    it("answers 404 for an unknown order", async () => {
      const { headers } = await buyer();
      const res = await get("/api/v1/orders/ord_NOPE", headers);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("orders.not_found");
    });

    it("answers 404 for another user's order and leaves it out of the caller's list", async () => {
      const owner = await buyer();
      const other = await buyer();
      const order = await placeOrder(owner.headers);
      expect((await get(`/api/v1/orders/${order.id}`, other.headers)).statusCode).toBe(404);
      expect((await get("/api/v1/orders", other.headers)).json().items).toEqual([]);
    });

    it("answers 401 without a token", async () => {
      expect((await get("/api/v1/orders", {})).statusCode).toBe(401);
      expect((await get("/api/v1/orders/ord_X", {})).statusCode).toBe(401);
    });
  });

  describe("POST /api/v1/orders/{id}/cancel", () => {
    it("cancels a pending order", async () => {
      const { headers } = await buyer();
      const order = await placeOrder(headers);
      const res = await post(`/api/v1/orders/${order.id}/cancel`, headers);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: order.id, status: "cancelled" });
    });

    it("answers 409 orders.not_pending for a cancelled, paid or expired order", async () => {
      const person = await buyer();
      const { headers } = person;
      const admin = await createUser(ctx().deps, { admin: true });
      const cancelled = await placeOrder(headers);
      await post(`/api/v1/orders/${cancelled.id}/cancel`, headers);
      const paid = await placeOrder(headers);
      await post(`/api/v1/admin/orders/${paid.id}/mark-paid`, admin.headers, { reference: "bank-1" });
      const expired = await placeOrder(headers);
      await advance(ORDER_TTL_MS, person);
      for (const order of [cancelled, paid, expired]) {
        const res = await post(`/api/v1/orders/${order.id}/cancel`, headers);
        expect(res.statusCode).toBe(409);
        expect(res.json().code).toBe("orders.not_pending");
      }
    });

    it("answers 404 for another user's order and leaves it pending", async () => {
      const owner = await buyer();
      const other = await buyer();
      const order = await placeOrder(owner.headers);
      expect((await post(`/api/v1/orders/${order.id}/cancel`, other.headers)).statusCode).toBe(404);
      expect((await get(`/api/v1/orders/${order.id}`, owner.headers)).json().status).toBe("pending");
    });

    it("answers 401 without a token", async () => {
      expect((await post("/api/v1/orders/ord_X/cancel", {})).statusCode).toBe(401);
    });
  });

  describe("expiry after 24 hours", () => {
    it("reads a pending order as expired once 24 h have passed, before any sweep", async () => {
      const person = await buyer();
      const { headers } = person;
      const order = await placeOrder(headers);
      await advance(ORDER_TTL_MS - 1, person);
      expect((await get(`/api/v1/orders/${order.id}`, headers)).json().status).toBe("pending");
      await advance(1, person);
      expect((await get(`/api/v1/orders/${order.id}`, headers)).json().status).toBe("expired");
      expect((await get("/api/v1/orders", headers)).json().items[0].status).toBe("expired");
    });

    it("has the sweeper write expired on overdue orders only", async () => {
      const person = await buyer();
      const { headers } = person;
      const old = await placeOrder(headers);
      await advance(ORDER_TTL_MS / 2, person);
      const fresh = await placeOrder(headers);
      await advance(ORDER_TTL_MS / 2, person);
      expect(await ctx().deps.orders.expireOverdue()).toBe(1);
      const rows = await ctx().database.query<{ id: string; status: string }>(
        "select id, status from orders order by id",
      );
      expect(rows).toEqual([
        { id: old.id, status: "expired" },
        { id: fresh.id, status: "pending" },
      ]);
      expect(await ctx().deps.orders.expireOverdue()).toBe(0);
    });

    it("refuses to mark an expired order paid", async () => {
      const person = await buyer();
      const { headers } = person;
      const admin = await createUser(ctx().deps, { admin: true });
      const order = await placeOrder(headers);
      await advance(ORDER_TTL_MS + 1, person, admin);
      const res = await post(`/api/v1/admin/orders/${order.id}/mark-paid`, admin.headers, {
        reference: "late",
      });
      expect(res.statusCode).toBe(409);
      expect((await get("/api/v1/me/entitlements", headers)).json().items).toEqual([]);
    });
  });

  describe("admin: GET /api/v1/admin/orders", () => {
    it("lists every user's orders, filtered by effective status", async () => {
      const a = await buyer();
      const b = await buyer();
      const admin = await createUser(ctx().deps, { admin: true });
      const overdue = await placeOrder(a.headers);
      await advance(ORDER_TTL_MS, a, b, admin);
      const pending = await placeOrder(b.headers);
      const cancelled = await placeOrder(b.headers);
      await post(`/api/v1/orders/${cancelled.id}/cancel`, b.headers);
      const ids = async (query: string) =>
        (await get(`/api/v1/admin/orders${query}`, admin.headers))
          .json()
          .items.map((o: { id: string }) => o.id);
      expect((await ids("")).sort()).toEqual([overdue.id, pending.id, cancelled.id].sort());
      expect(await ids("?status=pending")).toEqual([pending.id]);
      expect(await ids("?status=expired")).toEqual([overdue.id]);
      expect(await ids("?status=cancelled")).toEqual([cancelled.id]);
      const first = (await get("/api/v1/admin/orders?limit=1", admin.headers)).json();
      expect(first.items[0]).toMatchObject({ userId: expect.stringMatching(/^usr_/), flaggedReason: null });
      expect(first.nextCursor).toEqual(expect.any(String));
    });

    it("answers 400 for an unknown status, 401 without a token and 403 for a non-admin", async () => {
      const { headers } = await buyer();
      const admin = await createUser(ctx().deps, { admin: true });
      expect((await get("/api/v1/admin/orders?status=lost", admin.headers)).statusCode).toBe(400);
      expect((await get("/api/v1/admin/orders", {})).statusCode).toBe(401);
      expect((await get("/api/v1/admin/orders", headers)).statusCode).toBe(403);
    });
  });

  describe("admin: POST /api/v1/admin/orders/{id}/mark-paid", () => {
    it("marks a pending order paid, grants months × 30 days and audits it", async () => {
      const { headers } = await buyer();
      const admin = await createUser(ctx().deps, { admin: true });
      const order = await placeOrder(headers, { months: 3 });
      const res = await post(`/api/v1/admin/orders/${order.id}/mark-paid`, admin.headers, {
        reference: "bank transfer 42",
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        status: "paid",
        provider: "manual",
        providerReference: "bank transfer 42",
        paidAt: ctx().clock.now().toISOString(),
      });
      const ent = (await get("/api/v1/me/entitlements", headers)).json();
      expect(ent.tier).toBe("premium");
      expect(ent.items).toHaveLength(1);
      const item = ent.items[0];
      expect(item.source).toEqual({ orderId: order.id });
      expect(Date.parse(item.expiresAt) - Date.parse(item.startsAt)).toBe(90 * 86_400_000);
      const audit = await ctx().deps.audit.listForSubject("order", order.id);
      expect(audit.map((a) => a.action)).toEqual(["orders.marked_paid"]);
      expect(audit[0]!.actorId).toBe(admin.user.id);
    });

    it("is idempotent for the same reference and refuses a second, different payment", async () => {
      const { headers } = await buyer();
      const admin = await createUser(ctx().deps, { admin: true });
      const order = await placeOrder(headers);
      const url = `/api/v1/admin/orders/${order.id}/mark-paid`;
      expect((await post(url, admin.headers, { reference: "r1" })).statusCode).toBe(200);
      expect((await post(url, admin.headers, { reference: "r1" })).statusCode).toBe(200);
      const other = await post(url, admin.headers, { reference: "r2" });
      expect(other.statusCode).toBe(409);
      expect(other.json().code).toBe("orders.not_pending");
      expect((await get("/api/v1/me/entitlements", headers)).json().items).toHaveLength(1);
    });

    it("answers 404 for an unknown order, 409 for a cancelled one and 400 without a reference", async () => {
      const { headers } = await buyer();
      const admin = await createUser(ctx().deps, { admin: true });
      const order = await placeOrder(headers);
      await post(`/api/v1/orders/${order.id}/cancel`, headers);
      const unknown = await post("/api/v1/admin/orders/ord_NOPE/mark-paid", admin.headers, {
        reference: "x",
      });
      expect(unknown.statusCode).toBe(404);
      const cancelled = await post(`/api/v1/admin/orders/${order.id}/mark-paid`, admin.headers, {
        reference: "x",
      });
      expect(cancelled.statusCode).toBe(409);
      const noRef = await post(`/api/v1/admin/orders/${order.id}/mark-paid`, admin.headers, {
        reference: " ",
      });
      expect(noRef.statusCode).toBe(400);
    });

    it("answers 401 without a token and 403 for the buyer themself, granting nothing", async () => {
      const { headers } = await buyer();
      const order = await placeOrder(headers);
      const url = `/api/v1/admin/orders/${order.id}/mark-paid`;
      expect((await post(url, {}, { reference: "x" })).statusCode).toBe(401);
      expect((await post(url, headers, { reference: "x" })).statusCode).toBe(403);
      expect((await get(`/api/v1/orders/${order.id}`, headers)).json().status).toBe("pending");
    });
  });
});
