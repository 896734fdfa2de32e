import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";
import { ORDER_TTL_MS } from "../orders/orders.models";

type Json = Record<string, unknown>;

describe("coupons (API.md §14)", () => {
  const ctx = useTestApp();

  async function tiers() {
    await ctx().deps.catalog.seedDefaultCatalog();
    return (await ctx().deps.catalog.view()).categories[0]!.products[0]!.tiers;
  }
  const premiumId = async () => (await tiers()).find((t) => t.level === "premium")!.id;

  const inject = (method: "GET" | "POST" | "DELETE", url: string, headers: Json, payload?: Json) =>
    ctx().app.inject({
      method,
      url,
      headers: headers as Record<string, string>,
      ...(payload ? { payload } : {}),
    });

  async function admin() {
    return createUser(ctx().deps, { admin: true });
  }
  async function coupon(body: Json) {
    const { headers } = await admin();
    const res = await inject("POST", "/api/v1/admin/coupons", headers, body);
    expect(res.statusCode).toBe(201);
    return res.json();
  }
  const order = async (headers: Json, body: Json) => inject("POST", "/api/v1/orders", headers, body);

  describe("happy path", () => {
    it("adds a coupon line after the volume discount: −round(s3 × percent)", async () => {
      const tierId = await premiumId();
      await coupon({ code: "SPRING15", percentOff: 15 });
      const { headers } = await createUser(ctx().deps);
      const plain = (
        await inject("GET", `/api/v1/quotes?tierId=${tierId}&months=12&region=EU`, headers)
      ).json();
      const res = await inject(
        "GET",
        `/api/v1/quotes?tierId=${tierId}&months=12&region=EU&coupon=spring15`,
        headers,
      );
      expect(res.statusCode).toBe(200);
      const quote = res.json();
      // s3 = 40716 + 814 − 8306 = 33224 (not referred); 15 % of it is 4983.6 → 4984.
      expect(plain.totalMinor).toBe(33224);
      expect(quote.lines).toEqual([...plain.lines, { code: "coupon", amountMinor: -4984 }]);
      expect(quote.totalMinor).toBe(33224 - 4984);
    });

    it("caps a fixed amount at s3, and an order it makes free is paid at checkout without a provider", async () => {
      const tierId = await premiumId();
      await coupon({ code: "GIFT", amountOffMinor: 100_000, currency: "GBP" });
      const buyer = await createUser(ctx().deps);
      const res = await order(buyer.headers, { tierId, months: 1, region: "GB", coupon: "GIFT" });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ totalMinor: 0, coupon: "GIFT", status: "pending" });
      expect(res.json().quote.lines.at(-1)).toEqual({ code: "coupon", amountMinor: -2900 });
      const checkout = await inject("POST", `/api/v1/orders/${res.json().id}/checkout`, buyer.headers, {
        provider: "stripe",
      });
      expect(checkout.statusCode).toBe(200);
      expect(checkout.json().url).toContain(`/checkout/success?order=${res.json().id}`);
      const paid = await inject("GET", `/api/v1/orders/${res.json().id}`, buyer.headers);
      expect(paid.json()).toMatchObject({ status: "paid", provider: "manual" });
      expect(await ctx().deps.entitlements.tierOf(buyer.user.id)).toBe("premium");
    });

    it("lists coupons with their redemptions (paid + reserved) and deletes them", async () => {
      const tierId = await premiumId();
      const { headers } = await admin();
      await coupon({
        code: "TEN",
        percentOff: 10,
        maxRedemptions: 5,
        tierIds: [tierId],
        firstOrderOnly: true,
      });
      const buyer = await createUser(ctx().deps);
      expect((await order(buyer.headers, { tierId, months: 1, coupon: "TEN" })).statusCode).toBe(201);
      const list = await inject("GET", "/api/v1/admin/coupons", headers);
      expect(list.json().items).toEqual([
        expect.objectContaining({
          code: "TEN",
          percentOff: 10,
          maxRedemptions: 5,
          redemptions: 1,
          tierIds: [tierId],
          firstOrderOnly: true,
        }),
      ]);
      expect((await inject("DELETE", "/api/v1/admin/coupons/TEN", headers)).statusCode).toBe(204);
      expect((await inject("GET", "/api/v1/admin/coupons", headers)).json().items).toEqual([]);
      const after = await order(buyer.headers, { tierId, months: 1, coupon: "TEN" });
      expect(after.statusCode).toBe(409);
      expect(after.json().code).toBe("pricing.coupon_invalid");
    });
  });

  describe("errors", () => {
    it("refuses an unknown, expired, wrong-tier or wrong-currency coupon with 409 pricing.coupon_invalid", async () => {
      const all = await tiers();
      const premium = all.find((t) => t.level === "premium")!.id;
      const vip = all.find((t) => t.level === "vip")!.id;
      const soon = new Date(ctx().clock.now().getTime() + 60_000).toISOString();
      await coupon({ code: "SOON", percentOff: 50, expiresAt: soon });
      await coupon({ code: "VIPONLY", percentOff: 20, tierIds: [vip] });
      await coupon({ code: "FIVEUSD", amountOffMinor: 500, currency: "USD" });
      const { headers } = await createUser(ctx().deps);
      expect((await order(headers, { tierId: premium, months: 1, coupon: "SOON" })).statusCode).toBe(201);
      ctx().clock.advance(60_000);
      for (const [code, region] of [
        ["NOPE", "GB"],
        ["SOON", "GB"],
        ["VIPONLY", "GB"],
        ["FIVEUSD", "GB"],
      ]) {
        const res = await order(headers, { tierId: premium, months: 1, region, coupon: code });
        expect(res.statusCode, code).toBe(409);
        expect(res.json().code).toBe("pricing.coupon_invalid");
        const quote = await inject(
          "GET",
          `/api/v1/quotes?tierId=${premium}&months=1&region=${region}&coupon=${code}`,
          {},
        );
        expect(quote.statusCode).toBe(409);
      }
      const usd = await order(headers, { tierId: premium, months: 1, region: "US", coupon: "FIVEUSD" });
      expect(usd.statusCode).toBe(201);
    });

    it("counts reservations: the last place is taken by a pending order and freed when it is cancelled or expires", async () => {
      const tierId = await premiumId();
      await coupon({ code: "ONE", percentOff: 10, maxRedemptions: 1 });
      const a = await createUser(ctx().deps);
      const b = await createUser(ctx().deps);
      const first = await order(a.headers, { tierId, months: 1, coupon: "ONE" });
      expect(first.statusCode).toBe(201);
      const refused = await order(b.headers, { tierId, months: 1, coupon: "ONE" });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({
        code: "pricing.coupon_invalid",
        detail: "Coupon ONE has been used up",
      });
      expect((await inject("POST", `/api/v1/orders/${first.json().id}/cancel`, a.headers)).statusCode).toBe(
        200,
      );
      const second = await order(b.headers, { tierId, months: 1, coupon: "ONE" });
      expect(second.statusCode).toBe(201);
      ctx().clock.advance(ORDER_TTL_MS);
      b.headers.authorization = `Bearer ${await ctx().deps.tokens.issue(b.user.id)}`;
      a.headers.authorization = `Bearer ${await ctx().deps.tokens.issue(a.user.id)}`;
      expect((await order(a.headers, { tierId, months: 1, coupon: "ONE" })).statusCode).toBe(201);
    });

    it("a paid redemption keeps its place; firstOrderOnly refuses a buyer who has paid before", async () => {
      const tierId = await premiumId();
      await coupon({ code: "ONCE", percentOff: 10, maxRedemptions: 1 });
      await coupon({ code: "NEWBIE", percentOff: 10, firstOrderOnly: true });
      const { user: adminUser } = await admin();
      const a = await createUser(ctx().deps);
      const placed = (await order(a.headers, { tierId, months: 1, coupon: "ONCE" })).json();
      await ctx().deps.orders.markPaidManually(adminUser, placed.id, "bank 1");
      ctx().clock.advance(ORDER_TTL_MS);
      a.headers.authorization = `Bearer ${await ctx().deps.tokens.issue(a.user.id)}`;
      const b = await createUser(ctx().deps);
      expect((await order(b.headers, { tierId, months: 1, coupon: "ONCE" })).statusCode).toBe(409);
      expect((await order(a.headers, { tierId, months: 1, coupon: "NEWBIE" })).statusCode).toBe(409);
      expect((await order(b.headers, { tierId, months: 1, coupon: "NEWBIE" })).statusCode).toBe(201);
    });

    it("validates the admin body: one kind of discount, a code of A-Z 0-9 _ -, a currency with an amount", async () => {
      const { headers } = await admin();
      for (const body of [
        { code: "lower", percentOff: 10 },
        { code: "AB", percentOff: 10 },
        { code: "BOTH", percentOff: 10, amountOffMinor: 100, currency: "GBP" },
        { code: "NOCUR", amountOffMinor: 100 },
        { code: "HUNDRED1", percentOff: 101 },
        { code: "NONE" },
      ]) {
        const res = await inject("POST", "/api/v1/admin/coupons", headers, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().code).toBe("request.invalid");
      }
      await coupon({ code: "DUP", percentOff: 5 });
      const dup = await inject("POST", "/api/v1/admin/coupons", headers, { code: "DUP", percentOff: 5 });
      expect(dup.statusCode).toBe(409);
      expect((await inject("DELETE", "/api/v1/admin/coupons/MISSING", headers)).statusCode).toBe(404);
    });
  });

  describe("races", () => {
    it("20 concurrent orders for a coupon with 1 place left: exactly 1 gets it, the others 409", async () => {
      const tierId = await premiumId();
      await coupon({ code: "LAST", percentOff: 30, maxRedemptions: 2 });
      const early = await createUser(ctx().deps);
      expect((await order(early.headers, { tierId, months: 1, coupon: "LAST" })).statusCode).toBe(201);
      const buyers = await Promise.all(Array.from({ length: 20 }, () => createUser(ctx().deps)));
      const results = await Promise.all(
        buyers.map((b) => order(b.headers, { tierId, months: 1, coupon: "LAST" })),
      );
      const statuses = results.map((r) => r.statusCode).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      for (const r of results.filter((r) => r.statusCode === 409)) {
        expect(r.json().code).toBe("pricing.coupon_invalid");
      }
    });
  });

  describe("security", () => {
    it("is admin only", async () => {
      const { headers } = await createUser(ctx().deps);
      expect(
        (await inject("POST", "/api/v1/admin/coupons", headers, { code: "X12", percentOff: 1 })).statusCode,
      ).toBe(403);
      expect((await inject("GET", "/api/v1/admin/coupons", headers)).statusCode).toBe(403);
      expect((await inject("DELETE", "/api/v1/admin/coupons/X12", {})).statusCode).toBe(401);
    });
  });
});
