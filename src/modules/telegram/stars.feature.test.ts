import { describe, expect, it } from "vitest";
import { admin, type Person, person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import type { RegionCode } from "../pricing/pricing.models";

describe("Telegram Stars payments", () => {
  const t = useTelegramApp();

  /** A pending premium order of `p` (3 months GB: £82.65, so 6199 stars at 75 per pound). */
  async function pendingOrder(p: Person, region: RegionCode = "GB", months: 1 | 3 = 3) {
    const user = await t.userOf(p);
    const { premium } = await t.tiers();
    return t.ctx().deps.orders.create({ id: user.id, region }, { tierId: premium.id, months });
  }

  async function invoiced(p: Person, region: RegionCode = "GB", months: 1 | 3 = 3) {
    const order = await pendingOrder(p, region, months);
    await t.send(updates.callback(p, `pay:stars:${order.id}`));
    return (await t.ctx().deps.orders.findById(order.id))!;
  }

  const preCheckoutAnswers = () => t.api.callsOf("answerPreCheckoutQuery").map((c) => c.params);

  async function paid(p: Person) {
    const order = await invoiced(p);
    await t.send(updates.preCheckout(p, order.id, order.starsAmount!));
    await t.send(updates.payment(p, order.id, order.starsAmount!, `charge-${order.id}`));
    return (await t.ctx().deps.orders.findById(order.id))!;
  }

  describe("happy path", () => {
    it("the invoice is in XTR with the order id as payload, priced at the GBP total × 75 rounded up", async () => {
      const ada = person();
      const order = await invoiced(ada);
      expect(order.starsAmount).toBe(6199);
      const [invoice] = t.api.callsOf("sendInvoice");
      expect(invoice!.params).toMatchObject({ chat_id: ada.id, currency: "XTR", payload: order.id });
      expect(invoice!.params.prices).toEqual([{ label: "Premium — 3 months", amount: 6199 }]);
    });

    it("an order in another currency is priced from its GBP equivalent at the locked rate", async () => {
      const ada = person();
      // €34.61 at 1.17 is £29.58; × 75 = 2218.5, rounded up to 2219.
      const order = await invoiced(ada, "EU", 1);
      expect(order.starsAmount).toBe(2219);
    });

    it("a second invoice for the same order keeps the price fixed by the first", async () => {
      const ada = person();
      const order = await invoiced(ada);
      await t.send(updates.callback(ada, `pay:stars:${order.id}`));
      expect(
        t.api.callsOf("sendInvoice").map((c) => (c.params.prices as { amount: number }[])[0]!.amount),
      ).toEqual([6199, 6199]);
    });

    it("pre-checkout of the exact amount for a pending order is accepted", async () => {
      const ada = person();
      const order = await invoiced(ada);
      await t.send(updates.preCheckout(ada, order.id, 6199));
      expect(preCheckoutAnswers()).toEqual([expect.objectContaining({ ok: true })]);
    });

    it("a successful payment pays the order through the orders module: plan granted, buyer told once", async () => {
      const ada = person();
      const order = await paid(ada);
      expect(order).toMatchObject({
        status: "paid",
        provider: "stars",
        providerReference: `charge-${order.id}`,
      });
      expect(await t.ctx().deps.entitlements.tierOf(order.userId)).toBe("premium");
      await t.telegram().flushNotifications();
      await t.telegram().sender.drain();
      const texts = t.callsTo(ada.id, "sendMessage").map((c) => String(c.params.text));
      expect(texts.filter((x) => x.includes("Payment received"))).toHaveLength(1);
    });

    it("the same payment reported twice grants once", async () => {
      const ada = person();
      const order = await paid(ada);
      await t.send(updates.payment(ada, order.id, order.starsAmount!, `charge-${order.id}`));
      const view = await t.ctx().deps.entitlements.view(order.userId);
      expect(view.items).toHaveLength(1);
      expect(
        t.callsTo(ada.id, "sendMessage").filter((c) => String(c.params.text).includes("operator")),
      ).toHaveLength(0);
    });

    it("an admin refunds a Stars payment: Telegram returns the stars, the order is refunded, the plan revoked", async () => {
      const ada = person();
      const order = await paid(ada);
      const root = admin();
      await t.send(updates.message(root, `/refund ${order.id}`));
      expect(t.api.callsOf("refundStarPayment")[0]!.params).toEqual({
        user_id: ada.id,
        telegram_payment_charge_id: `charge-${order.id}`,
      });
      expect(t.lastText(root.id)).toBe(`Order ${order.id}: refunded.`);
      expect((await t.ctx().deps.orders.findById(order.id))!.status).toBe("refunded");
      expect(await t.ctx().deps.entitlements.tierOf(order.userId)).toBe("free");
    });
  });

  describe("errors", () => {
    it("pre-checkout of a different amount is refused", async () => {
      const ada = person();
      const order = await invoiced(ada);
      await t.send(updates.preCheckout(ada, order.id, 1));
      expect(preCheckoutAnswers()).toEqual([
        expect.objectContaining({
          ok: false,
          error_message: expect.stringContaining("amount does not match"),
        }),
      ]);
    });

    it("pre-checkout for an unknown payload or order is refused", async () => {
      const ada = person();
      await t.send(updates.preCheckout(ada, "not-an-order", 100));
      await t.send(updates.preCheckout(ada, "ord_01KXXXXXXXXXXXXXXXXXXXXXXX", 100));
      expect(preCheckoutAnswers()).toEqual([
        expect.objectContaining({ ok: false, error_message: "This invoice is not one of ours." }),
        expect.objectContaining({ ok: false, error_message: "This invoice is not one of ours." }),
      ]);
    });

    it("pre-checkout for an order that is no longer pending is refused", async () => {
      const ada = person();
      const order = await invoiced(ada);
      await t.ctx().deps.orders.cancel(order.userId, order.id);
      await t.send(updates.preCheckout(ada, order.id, order.starsAmount!));
      expect(preCheckoutAnswers()).toEqual([expect.objectContaining({ ok: false })]);
    });

    it("a payment of a different amount does not pay the order; it is flagged and the buyer told", async () => {
      const ada = person();
      const order = await invoiced(ada);
      await t.send(updates.payment(ada, order.id, 10, "charge-short"));
      const after = (await t.ctx().deps.orders.findById(order.id))!;
      expect(after.status).toBe("pending");
      expect(after.flaggedReason).toContain("amount 10 instead of 6199 XTR");
      expect(t.lastText(ada.id)).toContain("The operator has been told and can refund them to you.");
    });

    it("/refund of an order not paid with Stars is refused without calling Telegram", async () => {
      const ada = person();
      const order = await pendingOrder(ada);
      const root = admin();
      const rootUser = await t.userOf(root);
      await t.ctx().deps.orders.markPaidManually({ id: rootUser.id }, order.id, "cash");
      await t.send(updates.message(root, `/refund ${order.id}`));
      expect(t.lastText(root.id)).toContain("Only Telegram Stars payments");
      expect(t.api.callsOf("refundStarPayment")).toHaveLength(0);
    });

    it("a charge Telegram already refunded still refunds the order", async () => {
      const ada = person();
      const order = await paid(ada);
      t.api.failNext("refundStarPayment", 400, "Bad Request: CHARGE_ALREADY_REFUNDED");
      await t.send(updates.message(admin(), `/refund ${order.id}`));
      expect((await t.ctx().deps.orders.findById(order.id))!.status).toBe("refunded");
    });
  });

  describe("security", () => {
    it("someone else's order cannot be invoiced, pre-checked out or paid by another person", async () => {
      const ada = person();
      const mallory = person();
      const order = await invoiced(ada);
      await t.send(updates.callback(mallory, `pay:stars:${order.id}`));
      expect(t.callbackAnswers().at(-1)).toContain("does not exist (or is not yours)");
      expect(t.api.callsOf("sendInvoice")).toHaveLength(1);
      await t.send(updates.preCheckout(mallory, order.id, order.starsAmount!));
      expect(preCheckoutAnswers()).toEqual([expect.objectContaining({ ok: false })]);
    });

    it("payments are never dropped by the rate limit", async () => {
      const ada = person();
      const order = await invoiced(ada);
      await Promise.all(Array.from({ length: 20 }, () => t.post(updates.message(ada, "/help"))));
      await t.send(updates.preCheckout(ada, order.id, order.starsAmount!));
      await t.send(updates.payment(ada, order.id, order.starsAmount!, "charge-flood"));
      expect(preCheckoutAnswers()).toEqual([expect.objectContaining({ ok: true })]);
      expect((await t.ctx().deps.orders.findById(order.id))!.status).toBe("paid");
    });
  });
});
