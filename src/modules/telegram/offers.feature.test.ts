import { describe, expect, it } from "vitest";
import { admin, person, updates } from "../../../test/support/factories";
import { en, useTelegramApp } from "../../../test/support/telegram";
import { orders } from "../orders/orders.table";
import { parseCouponCommand } from "./offers.feature";

describe("offers in the bot: trials and coupons", () => {
  const t = useTelegramApp();

  const ordersOf = async (userId: string) =>
    (await t.ctx().deps.db.select().from(orders)).filter((o) => o.userId === userId);

  describe("happy path", () => {
    it("a tier with a trial offers it under the months, and the button starts it once", async () => {
      const { premium } = await t.tiers();
      await t.ctx().deps.catalog.updateTier({ id: "usr_admin" }, premium.id, { trialDays: 5 });
      const ada = person();
      await t.send(updates.callback(ada, `shop:t:${premium.id}`));
      expect(t.lastButtons(ada.id).at(-1)).toEqual({
        text: "🎁 Try it free for 5 days",
        callback_data: `trial:${premium.id}`,
      });
      await t.send(updates.callback(ada, `trial:${premium.id}`));
      expect(t.lastText(ada.id)).toContain("free trial of <b>Premium</b> is active until");
      expect(await t.ctx().deps.entitlements.tierOf((await t.userOf(ada)).id)).toBe("premium");
      await t.send(updates.callback(ada, `trial:${premium.id}`));
      expect(t.callbackAnswers().at(-1)).toBe("This account has had its free trial");
    });

    it("a coupon typed in re-places the order with the coupon line and cancels the first one", async () => {
      const { premium } = await t.tiers();
      const root = admin();
      await t.send(updates.message(root, "/coupon WELCOME 20% max=10 first"));
      expect(t.lastText(root.id)).toContain("Coupon <code>WELCOME</code> created.");
      const ada = person();
      await t.send(updates.callback(ada, `shop:o:${premium.id}:1:once`));
      const user = await t.userOf(ada);
      const [first] = await ordersOf(user.id);
      await t.send(updates.callback(ada, `order:coupon:${first!.id}`));
      expect(t.lastText(ada.id)).toBe("Send me your coupon code.");
      await t.send(updates.message(ada, "welcome"));
      const after = await ordersOf(user.id);
      expect(after.find((o) => o.id === first!.id)!.status).toBe("cancelled");
      const second = after.find((o) => o.id !== first!.id)!;
      expect(second).toMatchObject({ couponCode: "WELCOME", totalMinor: 2320, status: "pending" });
      expect(t.lastText(ada.id)).toContain("Coupon: −£5.80");
      expect(t.lastButtons(ada.id).map((b) => b.callback_data)).toEqual([
        `pay:card:${second.id}`,
        `pay:stars:${second.id}`,
        `order:cancel:${second.id}`,
      ]);
      await t.send(updates.message(root, "/coupons"));
      expect(t.lastText(root.id)).toContain("<code>WELCOME</code> — 20% off, 1/10 used");
    });
  });

  describe("errors", () => {
    it("an unusable coupon is explained and the first order stays", async () => {
      const { premium } = await t.tiers();
      const ada = person();
      await t.send(updates.callback(ada, `shop:o:${premium.id}:1:once`));
      const user = await t.userOf(ada);
      const [first] = await ordersOf(user.id);
      await t.send(updates.callback(ada, `order:coupon:${first!.id}`));
      await t.send(updates.message(ada, "NOSUCH"));
      expect(t.lastText(ada.id)).toBe("Coupon NOSUCH does not exist");
      expect((await ordersOf(user.id)).map((o) => o.status)).toEqual(["pending"]);
    });

    it("parses the admin command strictly", () => {
      const tierOf = (level: string) => (level === "vip" ? "tier_vip" : undefined);
      expect(parseCouponCommand("spring 15% max=3 expires=2026-12-31 tier=vip first", tierOf, en)).toEqual({
        code: "SPRING",
        percentOff: 15,
        maxRedemptions: 3,
        expiresAt: new Date("2026-12-31T23:59:59Z"),
        tierIds: ["tier_vip"],
        firstOrderOnly: true,
      });
      expect(parseCouponCommand("FIVER 5.00GBP", tierOf, en)).toEqual({
        code: "FIVER",
        amountOffMinor: 500,
        currency: "GBP",
      });
      expect(parseCouponCommand("X 10%", tierOf, en)).toMatch(/3 to 32/);
      expect(parseCouponCommand("CODE 0%", tierOf, en)).toMatch(/1% to 100%/);
      expect(parseCouponCommand("CODE 10% tier=gold", tierOf, en)).toMatch(/tier=gold/);
    });
  });

  describe("security", () => {
    it("/coupon is for admins only", async () => {
      await t.tiers();
      const ada = person();
      await t.send(updates.message(ada, "/coupon FREE 100%"));
      expect(await t.ctx().deps.coupons.list()).toEqual([]);
    });
  });
});
