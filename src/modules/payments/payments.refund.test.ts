import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { FakeStripe, signedWebhook } from "../../../test/fakes/stripe";
import { createUser, type Person, person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";

const stripe = await new FakeStripe().start();
afterAll(() => stripe.stop());
beforeEach(() => stripe.reset());

describe("POST /api/v1/admin/orders/{id}/refund", () => {
  const t = useTelegramApp(stripe.env());
  const ctx = () => t.ctx();

  async function adminHeaders() {
    return (await createUser(ctx().deps, { admin: true })).headers;
  }
  const refund = async (orderId: string, headers?: Record<string, string>) =>
    ctx().app.inject({
      method: "POST",
      url: `/api/v1/admin/orders/${orderId}/refund`,
      headers: headers ?? (await adminHeaders()),
    });

  async function pendingOrder(p: Person) {
    const user = await t.userOf(p);
    const { premium } = await t.tiers();
    return ctx().deps.orders.create({ id: user.id, region: "GB" }, { tierId: premium.id, months: 1 });
  }

  /** An order paid by card: Stripe's checkout.session.completed delivered to the webhook. */
  async function paidByCard(p: Person) {
    const order = await pendingOrder(p);
    const { sessionId } = await ctx().deps.payments.checkout(order.userId, order.id);
    const now = Math.floor(ctx().clock.now().getTime() / 1000);
    const { payload, headers } = signedWebhook(
      stripe.sessionEvent("checkout.session.completed", sessionId, {}, now),
      { timestamp: now },
    );
    const res = await ctx().app.inject({ method: "POST", url: "/api/v1/webhooks/stripe", headers, payload });
    expect(res.json().result).toBe("paid");
    return { order, sessionId };
  }

  /** An order paid with Stars through the bot. */
  async function paidWithStars(p: Person) {
    const order = await pendingOrder(p);
    await t.send(updates.callback(p, `pay:stars:${order.id}`));
    const { starsAmount } = (await ctx().deps.orders.findById(order.id))!;
    await t.send(updates.preCheckout(p, order.id, starsAmount!));
    await t.send(updates.payment(p, order.id, starsAmount!, `charge-${order.id}`));
    expect((await ctx().deps.orders.findById(order.id))!.status).toBe("paid");
    return order;
  }

  describe("happy path", () => {
    it("a card order: Stripe refunds its payment intent once, the order is refunded and its period revoked; Stripe's charge.refunded then changes nothing", async () => {
      const { order, sessionId } = await paidByCard(person());
      expect(await ctx().deps.entitlements.tierOf(order.userId)).toBe("premium");
      const res = await refund(order.id);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ id: order.id, status: "refunded", provider: "stripe" });
      const [call] = stripe.callsTo("/v1/refunds");
      expect(call!.params).toMatchObject({
        payment_intent: `pi_for_${sessionId}`,
        "metadata[orderId]": order.id,
      });
      expect(call!.idempotencyKey).toBe(`refund:${order.id}`);
      expect(await ctx().deps.entitlements.tierOf(order.userId)).toBe("free");

      const now = Math.floor(ctx().clock.now().getTime() / 1000);
      const { payload, headers } = signedWebhook(stripe.refundEvent(sessionId, { created: now }), {
        timestamp: now,
      });
      const webhook = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/webhooks/stripe",
        headers,
        payload,
      });
      expect(webhook.json().result).toBe("already_refunded");
      const periods = await ctx().deps.entitlements.periodsOf(order.userId);
      expect(periods.filter((p) => p.revokedAt !== null)).toHaveLength(1);
    });

    it("a Stars order: Telegram gives the stars back (refundStarPayment), the order is refunded, the plan revoked", async () => {
      const ada = person();
      const order = await paidWithStars(ada);
      const res = await refund(order.id);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ status: "refunded", provider: "stars" });
      expect(t.api.callsOf("refundStarPayment").map((c) => c.params)).toEqual([
        { user_id: ada.id, telegram_payment_charge_id: `charge-${order.id}` },
      ]);
      expect(await ctx().deps.entitlements.tierOf(order.userId)).toBe("free");
    });

    it("a manual payment: no provider is called, the order is refunded and its period revoked", async () => {
      const order = await pendingOrder(person());
      await ctx().deps.orders.markPaidManually({ id: "usr_ops" }, order.id, "wire-1");
      const res = await refund(order.id);
      expect(res.json()).toMatchObject({ status: "refunded", provider: "manual" });
      expect(stripe.callsTo("/v1/refunds")).toHaveLength(0);
      expect(t.api.callsOf("refundStarPayment")).toHaveLength(0);
      expect(await ctx().deps.entitlements.tierOf(order.userId)).toBe("free");
    });

    it("a renewal paid by an invoice: Stripe refunds the invoice's payment intent, and only that renewal's period is revoked", async () => {
      const { premium } = await t.tiers();
      const buyer = await createUser(ctx().deps);
      const created = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/orders",
        headers: buyer.headers,
        payload: { tierId: premium.id, months: 1, renewal: "auto" },
      });
      const { sessionId } = await ctx().deps.payments.checkout(buyer.user.id, created.json().id);
      const now = Math.floor(ctx().clock.now().getTime() / 1000);
      const deliver = async (event: Record<string, unknown>) => {
        const { payload, headers } = signedWebhook(event, { timestamp: now });
        const res = await ctx().app.inject({
          method: "POST",
          url: "/api/v1/webhooks/stripe",
          headers,
          payload,
        });
        return res.json().result as string;
      };
      expect(await deliver(stripe.sessionEvent("checkout.session.completed", sessionId, {}, now))).toBe(
        "paid",
      );
      const renewal = stripe.renewalInvoice(stripe.subscriptionOf(sessionId).id as string, now);
      await deliver(stripe.invoiceEvent("invoice.paid", renewal.id as string, now));
      const renewalOrder = await ctx().deps.orders.findByProviderReference(
        ctx().deps.db,
        "stripe",
        renewal.id as string,
      );
      expect(renewalOrder).toMatchObject({ status: "paid", renewal: "auto" });
      const active = async () =>
        (await ctx().deps.entitlements.periodsOf(buyer.user.id)).filter((p) => !p.revokedAt).length;
      expect(await active()).toBe(2);

      const res = await refund(renewalOrder!.id);
      expect(res.json()).toMatchObject({ id: renewalOrder!.id, status: "refunded" });
      const payment = stripe.invoicePayments.find((ip) => ip.invoice === renewal.id)!;
      expect(stripe.callsTo("/v1/refunds")[0]!.params).toMatchObject({
        payment_intent: (payment.payment as { payment_intent: string }).payment_intent,
      });
      expect(await active()).toBe(1);
    });

    it("a second press answers the refunded order and gives nothing back twice", async () => {
      const { order } = await paidByCard(person());
      const headers = await adminHeaders();
      const [a, b] = await Promise.all([refund(order.id, headers), refund(order.id, headers)]);
      expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
      const again = await refund(order.id, headers);
      expect(again.json().status).toBe("refunded");
      // Stripe's idempotency key makes the concurrent pair one refund; the third call never reaches Stripe.
      expect(new Set(stripe.callsTo("/v1/refunds").map((c) => c.idempotencyKey))).toEqual(
        new Set([`refund:${order.id}`]),
      );
      expect(stripe.refunds).toHaveLength(1);
      const periods = await ctx().deps.entitlements.periodsOf(order.userId);
      expect(periods.filter((p) => p.revokedAt !== null)).toHaveLength(1);
    });
  });

  describe("errors", () => {
    it("a pending order → 409 orders.not_refundable, no provider called", async () => {
      const order = await pendingOrder(person());
      const res = await refund(order.id);
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("orders.not_refundable");
      expect(stripe.callsTo("/v1/refunds")).toHaveLength(0);
    });

    it("Stripe refusing → 502 payments.provider_failed, the order stays paid and the plan stays", async () => {
      const { order } = await paidByCard(person());
      stripe.failNext(400, "invalid_request_error");
      const res = await refund(order.id);
      expect(res.statusCode).toBe(502);
      expect(res.json().code).toBe("payments.provider_failed");
      expect((await ctx().deps.orders.findById(order.id))!.status).toBe("paid");
      expect(await ctx().deps.entitlements.tierOf(order.userId)).toBe("premium");
    });

    it("an unknown order → 404", async () => {
      const res = await refund("ord_unknown");
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("orders.not_found");
    });
  });

  describe("security", () => {
    it("a subscriber → 403, nothing refunded", async () => {
      const { order } = await paidByCard(person());
      const res = await refund(order.id, (await createUser(ctx().deps)).headers);
      expect(res.statusCode).toBe(403);
      expect((await ctx().deps.orders.findById(order.id))!.status).toBe("paid");
    });
  });
});
