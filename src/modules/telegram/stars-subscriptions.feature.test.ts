import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeStripe, signedWebhook } from "../../../test/fakes/stripe";
import { newAffiliate, type Person, person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { affiliateCommissions } from "../affiliates/affiliates.table";
import { DAY_MS } from "../entitlements/entitlements.models";
import { orders } from "../orders/orders.table";
import { unappliedPayments } from "../payments/unapplied.table";
import { subscriptionPayments } from "../subscriptions/subscriptions.table";

const MONTH_S = 30 * 86_400;

describe("Telegram Star subscriptions (API.md §13): bought in the bot, renewed once per charge", () => {
  // Card renewals are on too, as in production: the bot offers them beside Stars.
  const stripe = new FakeStripe();
  beforeAll(() => stripe.start());
  afterAll(() => stripe.stop());
  const t = useTelegramApp({}, () => stripe.env());
  const deps = () => t.ctx().deps;
  const nowSeconds = () => Math.floor(t.ctx().clock.now().getTime() / 1000);
  const ordersOf = async (userId: string) =>
    (await deps().db.select().from(orders)).filter((o) => o.userId === userId);
  const planEnd = async (userId: string) => {
    const { items } = await deps().entitlements.view(userId);
    return Math.max(...items.map((i) => new Date(i.expiresAt).getTime()));
  };

  /**
   * /shop → Premium → `months` → "Renew automatically" (or "Pay once"): the order the bot placed.
   * Then a few seconds pass, so the next presses are not a flood (5 updates at once per person).
   */
  async function orderInBot(p: Person, months: 1 | 3, answer = "🔁 Renew automatically") {
    const { premium } = await t.tiers();
    await t.send(updates.message(p, "/shop"));
    await t.send(updates.callback(p, `shop:t:${premium.id}`));
    await t.send(updates.callback(p, `shop:m:${premium.id}:${months}`));
    await t.press(p, answer);
    t.ctx().clock.advance(5_000);
    const user = await t.userOf(p);
    return { user, order: (await ordersOf(user.id)).at(-1)! };
  }

  /** Someone who subscribed with Stars: the link was made, the first payment arrived. */
  async function subscriber(p: Person = person()) {
    const { user, order } = await orderInBot(p, 1);
    await t.press(p, "⭐ Pay with Stars");
    const stars = (await deps().orders.findById(order.id))!.starsAmount!;
    await t.send(updates.preCheckout(p, order.id, stars));
    const firstCharge = `stxfirst-${order.id}`;
    t.api.subscribeWithStars(p.id, firstCharge);
    const expiresAt = nowSeconds() + MONTH_S;
    await t.send(updates.payment(p, order.id, stars, firstCharge, "XTR", { first: true, expiresAt }));
    const [sub] = await deps().subscriptions.listOwn(user.id);
    return { p, user, order, stars, firstCharge, expiresAt, sub: sub! };
  }

  /** Telegram charged the next period: a new charge id, the same payload. */
  const renewal = (s: Awaited<ReturnType<typeof subscriber>>, charge: string, expiresAt: number) =>
    updates.payment(s.p, s.order.id, s.stars, charge, "XTR", { first: false, expiresAt });

  const texts = async (p: Person) => {
    await t.telegram().flushNotifications();
    await t.telegram().sender.drain();
    return t.callsTo(p.id, "sendMessage").map((c) => String(c.params.text));
  };

  describe("the bot's shop", () => {
    it("after the months it asks: pay once, or renew automatically", async () => {
      const ada = person();
      const { premium } = await t.tiers();
      await t.send(updates.message(ada, "/shop"));
      await t.press(ada, "Premium — £29.00/mo");
      await t.press(ada, "1 month — £29.00");
      expect(t.lastText(ada.id)).toContain(
        "<b>Premium</b>, 1 month — £29.00. Pay once, or renew automatically?",
      );
      expect(t.lastButtons(ada.id).map((b) => [b.text, b.callback_data])).toEqual([
        ["Pay once", `shop:o:${premium.id}:1:once`],
        ["🔁 Renew automatically", `shop:o:${premium.id}:1:auto`],
        ["« Other lengths", `shop:b:${premium.id}`],
      ]);
      // Back to the lengths, in place.
      await t.press(ada, "« Other lengths");
      expect(t.lastText(ada.id)).toContain("for how long?");
      expect(await ordersOf((await t.userOf(ada)).id)).toHaveLength(0);
    });

    it("“Renew automatically” for a month places an auto-renewing order payable by card or Stars; Stars make a subscription invoice link", async () => {
      const ada = person();
      const { order } = await orderInBot(ada, 1);
      expect(order).toMatchObject({ renewal: "auto", months: 1, status: "pending" });
      expect(t.lastText(ada.id)).toContain("🔁 Renews automatically each period");
      expect(t.lastButtons(ada.id).map((b) => b.callback_data)).toEqual([
        `pay:card:${order.id}`,
        `pay:stars:${order.id}`,
        `order:coupon:${order.id}`,
        `order:cancel:${order.id}`,
      ]);
      await t.press(ada, "⭐ Pay with Stars");
      const [call] = t.api.callsOf("createInvoiceLink");
      expect(call!.params).toMatchObject({
        payload: order.id,
        currency: "XTR",
        subscription_period: 2592000,
        // One period's price: £29.00 × 75 stars.
        prices: [{ label: "Premium — 1 month", amount: 2175 }],
      });
      expect(call!.params).not.toHaveProperty("provider_token");
      expect(t.api.callsOf("sendInvoice")).toHaveLength(0);
      expect(t.lastText(ada.id)).toContain("2175 ⭐ now and every 30 days");
      const [button] = t.lastButtons(ada.id);
      expect(button!.text).toBe("⭐ Subscribe for 2175 Stars a month");
      // The button opens the very link Telegram made for this invoice.
      const slug = button!.url!.replace("https://t.me/$", "");
      expect(t.api.invoiceLinks.get(slug)).toEqual(call!.params);
    });

    it("“Pay once” stays a one-off Stars invoice", async () => {
      const ada = person();
      const { order } = await orderInBot(ada, 1, "Pay once");
      expect(order.renewal).toBe("none");
      expect(t.lastText(ada.id)).not.toContain("Renews automatically");
      await t.press(ada, "⭐ Pay with Stars");
      expect(t.api.callsOf("sendInvoice")).toHaveLength(1);
      expect(t.api.callsOf("createInvoiceLink")).toHaveLength(0);
    });

    it("three months renewing automatically are offered by card only, and Stars for it are refused with a clear reason", async () => {
      const ada = person();
      const { order } = await orderInBot(ada, 3);
      expect(order).toMatchObject({ renewal: "auto", months: 3 });
      expect(t.lastText(ada.id)).toContain("Telegram Stars renew monthly plans only");
      expect(t.lastButtons(ada.id).map((b) => b.callback_data)).toEqual([
        `pay:card:${order.id}`,
        `order:coupon:${order.id}`,
        `order:cancel:${order.id}`,
      ]);
      // An old or forged button: refused by the subscriptions module's code, nothing asked of Telegram.
      await t.send(updates.callback(ada, `pay:stars:${order.id}`));
      expect(t.callbackAnswers().at(-1)).toBe(
        "Telegram Stars renew monthly plans only: pay this plan once with Stars, or renew it by card.",
      );
      expect(t.api.callsOf("createInvoiceLink")).toHaveLength(0);
      expect((await deps().orders.findById(order.id))!.starsAmount).toBeNull();
    });

    it("the choice answered twice places one order", async () => {
      const ada = person();
      await orderInBot(ada, 1);
      const { premium } = await t.tiers();
      await t.send(updates.callback(ada, `shop:o:${premium.id}:1:once`));
      expect(t.callbackAnswers().at(-1)).toBe("Your order is already placed: see the message below.");
      expect(await ordersOf((await t.userOf(ada)).id)).toHaveLength(1);
    });
  });

  describe("payments", () => {
    it("the first payment pays the order and creates the Stars subscription, its period end Telegram's", async () => {
      const s = await subscriber();
      expect((await deps().orders.findById(s.order.id))!).toMatchObject({
        status: "paid",
        provider: "stars",
        providerReference: s.firstCharge,
      });
      expect(s.sub).toMatchObject({
        provider: "stars",
        status: "active",
        months: 1,
        cancelAtPeriodEnd: false,
        currentPeriodEnd: new Date(s.expiresAt * 1000).toISOString(),
      });
      expect(await deps().entitlements.tierOf(s.user.id)).toBe("premium");
      expect(await planEnd(s.user.id)).toBe(t.ctx().clock.now().getTime() + 30 * DAY_MS);
      expect((await texts(s.p)).find((x) => x.includes("Payment received"))).toContain(
        "It renews automatically each period",
      );
      await t.send(updates.message(s.p, "/status"));
      expect(t.lastText(s.p.id)).toContain("<b>Auto-renewal</b>");
      // Priced as Telegram charges it: the stars of one period.
      expect(t.lastText(s.p.id)).toMatch(/• Premium: 2175 ⭐ every month, next charge on /);
      expect(t.lastButtons(s.p.id).map((b) => b.callback_data)).toContain(`sub:c:${s.sub.id}`);
      expect(t.lastButtons(s.p.id).map((b) => b.callback_data)).not.toContain("sub:card");
    });

    it("a renewal extends the plan by 30 days once, with its own paid order, and the buyer hears it renewed", async () => {
      const s = await subscriber();
      const before = await planEnd(s.user.id);
      t.ctx().clock.advance(30 * DAY_MS - 60_000);
      const next = s.expiresAt + MONTH_S;
      await t.send(renewal(s, "stxrenew-1", next));
      expect(await planEnd(s.user.id)).toBe(before + 30 * DAY_MS);
      const renewalOrder = (await ordersOf(s.user.id)).find((o) => o.subscriptionId === s.sub.id)!;
      expect(renewalOrder).toMatchObject({
        status: "paid",
        provider: "stars",
        providerReference: "stxrenew-1",
      });
      const [view] = await deps().subscriptions.listOwn(s.user.id);
      expect(view!.currentPeriodEnd).toBe(new Date(next * 1000).toISOString());
      expect(view!.status).toBe("active");
      expect((await texts(s.p)).at(-1)).toContain("🔁 <b>Your plan renewed</b>: Premium");
    });

    it("the same renewal delivered twice, and twice at once, extends once", async () => {
      const s = await subscriber();
      const before = await planEnd(s.user.id);
      const next = s.expiresAt + MONTH_S;
      await t.send(renewal(s, "stxrenew-dup", next));
      await t.send(renewal(s, "stxrenew-dup", next));
      await Promise.all([
        t.post(renewal(s, "stxrenew-race", next)),
        t.post(renewal(s, "stxrenew-race", next)),
      ]);
      await t.telegram().intake.settled();
      // And straight at the service, two transactions racing for one charge id.
      const input = {
        provider: "stars" as const,
        providerSubscriptionId: undefined,
        orderId: s.order.id,
        reference: "stxrenew-service",
        first: false,
        amount: s.stars,
        currency: "XTR",
        paidAt: t.ctx().clock.now(),
      };
      const results = await Promise.all([
        deps().subscriptions.recordPaymentNow(input),
        deps().subscriptions.recordPaymentNow(input),
      ]);
      expect(results.map((r) => r.result).sort()).toEqual(["duplicate", "renewed"]);
      expect(await planEnd(s.user.id)).toBe(before + 3 * 30 * DAY_MS);
      const payments = await deps()
        .db.select()
        .from(subscriptionPayments)
        .where(eq(subscriptionPayments.subscriptionId, s.sub.id));
      expect(payments.map((p) => p.reference).sort()).toEqual(
        [s.firstCharge, "stxrenew-dup", "stxrenew-race", "stxrenew-service"].sort(),
      );
      expect(await deps().db.select().from(unappliedPayments)).toHaveLength(0);
    });

    it("a referred buyer's renewal earns the affiliate a commission, as a paid order does", async () => {
      const affiliate = await newAffiliate(deps());
      const ada = person();
      await deps().users.ensureFromTelegram(
        { telegramId: ada.id, username: null, firstName: ada.first_name },
        { referralCode: affiliate.code },
      );
      const s = await subscriber(ada);
      await t.send(renewal(s, "stxrenew-aff", s.expiresAt + MONTH_S));
      const renewalOrder = (await ordersOf(s.user.id)).find((o) => o.subscriptionId === s.sub.id)!;
      const rows = await deps().db.select().from(affiliateCommissions);
      expect(rows.map((r) => [r.orderId, r.kind])).toEqual(
        expect.arrayContaining([
          [s.order.id, "commission"],
          [renewalOrder.id, "commission"],
        ]),
      );
      expect(rows).toHaveLength(2);
    });
  });

  describe("cancel and resume", () => {
    it("cancel calls editUserStarSubscription with is_canceled true, resume with false", async () => {
      const s = await subscriber();
      await t.send(updates.callback(s.p, `sub:c:${s.sub.id}`));
      expect(t.lastText(s.p.id)).toContain("Stop auto-renewal of <b>Premium</b> (2175 ⭐)?");
      await t.send(updates.callback(s.p, `sub:cy:${s.sub.id}`));
      expect(t.api.callsOf("editUserStarSubscription").map((c) => c.params)).toEqual([
        { user_id: s.p.id, telegram_payment_charge_id: s.firstCharge, is_canceled: true },
      ]);
      expect(t.api.starSubscriptions.get(s.firstCharge)!.canceledByBot).toBe(true);
      expect((await deps().subscriptions.listOwn(s.user.id))[0]).toMatchObject({
        status: "cancelled",
        cancelAtPeriodEnd: true,
      });

      await t.send(updates.callback(s.p, `sub:re:${s.sub.id}`));
      expect(t.api.callsOf("editUserStarSubscription").at(-1)!.params).toEqual({
        user_id: s.p.id,
        telegram_payment_charge_id: s.firstCharge,
        is_canceled: false,
      });
      expect(t.api.starSubscriptions.get(s.firstCharge)!.canceledByBot).toBe(false);
      expect((await deps().subscriptions.listOwn(s.user.id))[0]!.status).toBe("active");
    });

    it("the HTTP API cancels a Stars subscription through Telegram too", async () => {
      const s = await subscriber();
      const token = await deps().tokens.issue(s.user.id);
      const res = await t.ctx().app.inject({
        method: "POST",
        url: `/api/v1/me/subscriptions/${s.sub.id}/cancel`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ provider: "stars", status: "cancelled", cancelAtPeriodEnd: true });
      expect(t.api.starSubscriptions.get(s.firstCharge)!.canceledByBot).toBe(true);
    });

    it("a subscription Telegram stopped renewing (no payment a day past its period) has ended: no longer shown or cancellable", async () => {
      const s = await subscriber();
      const pair = `${s.user.id}:${s.order.tierId}`;
      expect(await deps().subscriptions.renewingPairs()).toContain(pair);
      // A renewal a few hours late is still expected.
      t.ctx().clock.advance(30 * DAY_MS + 6 * 3_600_000);
      expect((await deps().subscriptions.listOwn(s.user.id))[0]!.status).toBe("active");
      t.ctx().clock.advance(DAY_MS);
      expect((await deps().subscriptions.listOwn(s.user.id))[0]!.status).toBe("ended");
      // The renewal reminders treat it as a plan that does not renew any more.
      expect(await deps().subscriptions.renewingPairs()).not.toContain(pair);
      await t.send(updates.message(s.p, "/status"));
      expect(t.lastText(s.p.id)).not.toContain("<b>Auto-renewal</b>");
      await t.send(updates.callback(s.p, `sub:cy:${s.sub.id}`));
      expect(t.callbackAnswers().at(-1)).toBe("That subscription has ended. See /shop for a new plan.");
      expect(t.api.callsOf("editUserStarSubscription")).toHaveLength(0);
    });
  });

  describe("money nothing can take", () => {
    it("a first payment its order can no longer take (cancelled meanwhile) is held, and the Star subscription it started is cancelled at Telegram and here", async () => {
      const ada = person();
      const { user, order } = await orderInBot(ada, 1);
      await t.press(ada, "⭐ Pay with Stars");
      await deps().orders.cancel(user.id, order.id);
      t.api.subscribeWithStars(ada.id, "stxcancelled-1");
      await t.send(
        updates.payment(ada, order.id, 2175, "stxcancelled-1", "XTR", {
          first: true,
          expiresAt: nowSeconds() + MONTH_S,
        }),
      );
      const held = await deps().db.select().from(unappliedPayments);
      expect(held.map((h) => [h.chargeId, h.reason])).toEqual([["stxcancelled-1", "not_payable"]]);
      expect(t.api.starSubscriptions.get("stxcancelled-1")!.canceledByBot).toBe(true);
      expect((await deps().subscriptions.listOwn(user.id))[0]).toMatchObject({
        provider: "stars",
        status: "cancelled",
      });
      expect(await deps().entitlements.tierOf(user.id)).toBe("free");
    });

    it("a renewal for an unknown subscription is held with its charge id, not lost, and the buyer told", async () => {
      const ada = person();
      await t.send(updates.message(ada, "/start"));
      // A one-off order's payload (it never became a subscription), then a payload that is no order.
      const { order } = await orderInBot(ada, 1, "Pay once");
      await t.send(
        updates.payment(ada, order.id, 2175, "stxorphan-1", "XTR", { first: false, expiresAt: nowSeconds() }),
      );
      await t.send(
        updates.payment(ada, "nonsense", 2175, "stxorphan-2", "XTR", {
          first: false,
          expiresAt: nowSeconds(),
        }),
      );
      const held = await deps().db.select().from(unappliedPayments);
      expect(held.map((h) => [h.chargeId, h.reason, h.status]).sort()).toEqual([
        ["stxorphan-1", "not_found", "held"],
        ["stxorphan-2", "not_found", "held"],
      ]);
      expect(await deps().entitlements.tierOf((await t.userOf(ada)).id)).toBe("free");
      expect(t.lastText(ada.id)).toContain("The operator has been told and can refund them to you.");
    });

    it("a Stars subscription payment for an order its card subscription already paid is held; the card subscription stays as it was", async () => {
      const ada = person();
      const { user, order } = await orderInBot(ada, 1);
      const { sessionId } = await deps().payments.checkout(user.id, order.id);
      const { payload, headers } = signedWebhook(
        stripe.sessionEvent("checkout.session.completed", sessionId, {}, nowSeconds()),
        { timestamp: nowSeconds() },
      );
      const hook = await t
        .ctx()
        .app.inject({ method: "POST", url: "/api/v1/webhooks/stripe", headers, payload });
      expect(hook.json().result).toBe("paid");
      const [card] = await deps().subscriptions.listOwn(user.id);
      // The Stars sheet was open before the card payment landed: Telegram's payment still arrives.
      t.api.subscribeWithStars(ada.id, "stxlate-1");
      await t.send(
        updates.payment(ada, order.id, 2175, "stxlate-1", "XTR", {
          first: true,
          expiresAt: nowSeconds() + MONTH_S,
        }),
      );
      const held = await deps().db.select().from(unappliedPayments);
      expect(held.map((h) => [h.chargeId, h.reason])).toEqual([["stxlate-1", "not_found"]]);
      expect(await deps().subscriptions.listOwn(user.id)).toEqual([card]);
      const rows = await deps().db.select().from(subscriptionPayments);
      expect(rows.map((r) => r.provider)).toEqual(["stripe"]);
      // Telegram will not charge it again next month.
      expect(t.api.starSubscriptions.get("stxlate-1")!.canceledByBot).toBe(true);
    });
  });
});
