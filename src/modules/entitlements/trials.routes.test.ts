import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";
import { DAY_MS } from "./entitlements.models";

describe("free trials (POST /api/v1/me/trials)", () => {
  const ctx = useTestApp();

  /** The Premium tier with a trial of `days` set by an admin. */
  async function trialTier(days = 7) {
    await ctx().deps.catalog.seedDefaultCatalog();
    const tiers = (await ctx().deps.catalog.view()).categories[0]!.products[0]!.tiers;
    const premium = tiers.find((t) => t.level === "premium")!;
    const vip = tiers.find((t) => t.level === "vip")!;
    const { headers } = await createUser(ctx().deps, { admin: true });
    const res = await ctx().app.inject({
      method: "PATCH",
      url: `/api/v1/admin/catalog/tiers/${premium.id}`,
      headers,
      payload: { trialDays: days },
    });
    expect(res.statusCode).toBe(200);
    return { premium: premium.id, vip: vip.id };
  }

  const start = (headers: Record<string, string>, tierId: string) =>
    ctx().app.inject({ method: "POST", url: "/api/v1/me/trials", headers, payload: { tierId } });

  describe("happy path", () => {
    it("grants the tier for trialDays as an entitlement of kind trial, shown in the catalog and /me/entitlements", async () => {
      const { premium } = await trialTier(7);
      const catalog = (await ctx().app.inject({ method: "GET", url: "/api/v1/catalog" })).json();
      expect(
        catalog.categories[0].products[0].tiers.find((t: { id: string }) => t.id === premium).trialDays,
      ).toBe(7);
      const buyer = await createUser(ctx().deps);
      const res = await start(buyer.headers, premium);
      expect(res.statusCode).toBe(201);
      const period = res.json();
      expect(period).toMatchObject({ tierId: premium, level: "premium", kind: "trial" });
      expect(Date.parse(period.expiresAt) - Date.parse(period.startsAt)).toBe(7 * DAY_MS);
      const view = (
        await ctx().app.inject({ method: "GET", url: "/api/v1/me/entitlements", headers: buyer.headers })
      ).json();
      expect(view.tier).toBe("premium");
      expect(view.items).toEqual([
        expect.objectContaining({
          id: period.id,
          kind: "trial",
          source: { grantedBy: "trial" },
          active: true,
        }),
      ]);
    });
  });

  describe("errors", () => {
    it("a second trial is 409 entitlements.trial_used, even once the first has ended", async () => {
      const { premium } = await trialTier(3);
      const buyer = await createUser(ctx().deps);
      expect((await start(buyer.headers, premium)).statusCode).toBe(201);
      ctx().clock.advance(4 * DAY_MS);
      buyer.headers.authorization = `Bearer ${await ctx().deps.tokens.issue(buyer.user.id)}`;
      const again = await start(buyer.headers, premium);
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({
        code: "entitlements.trial_used",
        detail: "This account has had its free trial",
      });
    });

    it("the trial is once per account: another account still gets its own", async () => {
      const { premium } = await trialTier(3);
      const first = await createUser(ctx().deps);
      const second = await createUser(ctx().deps);
      expect((await start(first.headers, premium)).statusCode).toBe(201);
      expect((await start(second.headers, premium)).statusCode).toBe(201);
    });

    it("a buyer whose only order was refunded has still paid before: no trial", async () => {
      const { premium } = await trialTier(3);
      const buyer = await createUser(ctx().deps);
      const order = await ctx().deps.orders.create(
        { id: buyer.user.id, region: null },
        { tierId: premium, months: 1 },
      );
      await ctx().deps.orders.markOrderPaid({ orderId: order.id, provider: "stripe", reference: "pi_1" });
      await ctx().deps.orders.markOrderRefunded({ orderId: order.id, provider: "stripe", reference: "re_1" });
      const res = await start(buyer.headers, premium);
      expect(res.statusCode).toBe(409);
      expect(res.json().detail).toBe("Free trials are for accounts that have not paid before");
    });

    it("is refused to a buyer who has paid an order before", async () => {
      const { premium } = await trialTier(3);
      const buyer = await createUser(ctx().deps);
      const { user: admin } = await createUser(ctx().deps, { admin: true });
      const order = await ctx().deps.orders.create(
        { id: buyer.user.id, region: null },
        { tierId: premium, months: 1 },
      );
      await ctx().deps.orders.markPaidManually(admin, order.id, "bank");
      const res = await start(buyer.headers, premium);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        code: "entitlements.trial_used",
        detail: "Free trials are for accounts that have not paid before",
      });
    });

    it("a tier without trialDays is 409 entitlements.trial_unavailable; an unknown tier 404", async () => {
      const { vip } = await trialTier(3);
      const { headers } = await createUser(ctx().deps);
      const res = await start(headers, vip);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        code: "entitlements.trial_unavailable",
        detail: "VIP has no free trial",
      });
      expect((await start(headers, "tier_missing")).statusCode).toBe(404);
    });
  });

  describe("races", () => {
    it("two concurrent trial requests of one account grant one trial", async () => {
      const { premium } = await trialTier(3);
      const buyer = await createUser(ctx().deps);
      const results = await Promise.all([start(buyer.headers, premium), start(buyer.headers, premium)]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      expect(await ctx().deps.entitlements.periodsOf(buyer.user.id)).toHaveLength(1);
    });
  });

  describe("security", () => {
    it("needs a signed-in user", async () => {
      const { premium } = await trialTier(3);
      expect((await start({}, premium)).statusCode).toBe(401);
    });
  });
});
