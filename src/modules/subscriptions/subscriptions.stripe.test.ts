import { eq } from "drizzle-orm";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { FakeStripe, signedWebhook } from "../../../test/fakes/stripe";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";
import { outbox } from "../../shared/outbox/outbox.table";
import { DAY_MS } from "../entitlements/entitlements.models";
import { stripeEvents } from "../payments/payments.table";

const stripe = await new FakeStripe().start();
afterAll(() => stripe.stop());
beforeEach(() => stripe.reset());

type Json = Record<string, unknown>;

describe("Stripe subscriptions (API.md §13)", () => {
  const ctx = useTestApp({ env: stripe.env() });
  const nowSeconds = () => Math.floor(ctx().clock.now().getTime() / 1000);

  async function subscribed(months: 1 | 3 = 1) {
    const { deps } = ctx();
    await deps.catalog.seedDefaultCatalog();
    const tierId = (await deps.catalog.view()).categories[0]!.products[0]!.tiers[0]!.id;
    const buyer = await createUser(deps);
    const created = await ctx().app.inject({
      method: "POST",
      url: "/api/v1/orders",
      headers: buyer.headers,
      payload: { tierId, months, renewal: "auto" },
    });
    expect(created.statusCode).toBe(201);
    const order = created.json();
    const { sessionId } = await deps.payments.checkout(buyer.user.id, order.id);
    return { buyer, order, sessionId };
  }

  const deliver = (event: Json) => {
    const { payload, headers } = signedWebhook(event, { timestamp: nowSeconds() });
    return ctx().app.inject({ method: "POST", url: "/api/v1/webhooks/stripe", headers, payload });
  };
  const result = async (event: Json) => {
    const res = await deliver(event);
    expect(res.statusCode).toBe(200);
    return res.json().result as string;
  };
  const completed = (sessionId: string) =>
    stripe.sessionEvent("checkout.session.completed", sessionId, {}, nowSeconds());
  const firstInvoiceId = (sessionId: string) => stripe.sessions.get(sessionId)!.invoice as string;
  const subscriptionId = (sessionId: string) => stripe.subscriptionOf(sessionId).id as string;

  const periods = async (userId: string) =>
    (await ctx().deps.entitlements.periodsOf(userId)).filter((p) => !p.revokedAt);
  const planEnd = async (userId: string) =>
    Math.max(...(await periods(userId)).map((p) => p.expiresAt.getTime()));
  /** Fresh credentials: access tokens last an hour and these tests move the clock by days. */
  const auth = async (who: { user: { id: string } }) => ({
    authorization: `Bearer ${await ctx().deps.tokens.issue(who.user.id)}`,
  });
  const mySubscriptions = async (who: { user: { id: string } }) => {
    const res = await ctx().app.inject({
      method: "GET",
      url: "/api/v1/me/subscriptions",
      headers: await auth(who),
    });
    expect(res.statusCode).toBe(200);
    return res.json().items as Json[];
  };

  describe("happy path", () => {
    it("checks an auto-renew order out in subscription mode with an inline recurring price", async () => {
      const { order } = await subscribed(3);
      const [call] = stripe.callsTo("/v1/checkout/sessions");
      expect(call!.params).toMatchObject({
        mode: "subscription",
        client_reference_id: order.id,
        "metadata[orderId]": order.id,
        "subscription_data[metadata][orderId]": order.id,
        "line_items[0][price_data][unit_amount]": String(order.totalMinor),
        "line_items[0][price_data][currency]": order.currency.toLowerCase(),
        "line_items[0][price_data][recurring][interval]": "month",
        "line_items[0][price_data][recurring][interval_count]": "3",
      });
      expect(call!.params["payment_intent_data[metadata][orderId]"]).toBeUndefined();
      expect(order).toMatchObject({ renewal: "auto", subscriptionId: null });
    });

    it("pays the order once, creates the subscription, and extends once per renewal invoice", async () => {
      const { buyer, order, sessionId } = await subscribed();
      expect(await result(completed(sessionId))).toBe("paid");
      // The first invoice is the checkout's own payment: not a second period.
      expect(await result(stripe.invoiceEvent("invoice.paid", firstInvoiceId(sessionId), nowSeconds()))).toBe(
        "duplicate",
      );
      expect(await periods(buyer.user.id)).toHaveLength(1);
      const [sub] = await mySubscriptions(buyer);
      expect(sub).toMatchObject({
        provider: "stripe",
        status: "active",
        months: 1,
        cancelAtPeriodEnd: false,
        amountMinor: order.totalMinor,
        currency: order.currency,
      });
      const firstEnd = await planEnd(buyer.user.id);
      expect(Date.parse(sub!.currentPeriodEnd as string)).toBe(firstEnd);

      ctx().clock.advance(29 * DAY_MS);
      const renewal = stripe.renewalInvoice(subscriptionId(sessionId), nowSeconds());
      expect(await result(stripe.invoiceEvent("invoice.paid", renewal.id as string, nowSeconds()))).toBe(
        "renewed",
      );
      expect(await planEnd(buyer.user.id)).toBe(firstEnd + 30 * DAY_MS);
      // The renewal is an order of its own, paid through the one paid path.
      const list = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/orders",
        headers: await auth(buyer),
      });
      const renewed = (list.json().items as Json[]).find((o) => o.id !== order.id)!;
      expect(renewed).toMatchObject({
        status: "paid",
        provider: "stripe",
        renewal: "auto",
        subscriptionId: sub!.id,
      });
      const [after] = await mySubscriptions(buyer);
      expect(Date.parse(after!.currentPeriodEnd as string)).toBe(firstEnd + 30 * DAY_MS);
    });

    it("cancels and resumes at period end through Stripe, and ends with customer.subscription.deleted", async () => {
      const { buyer, sessionId } = await subscribed();
      await result(completed(sessionId));
      const [sub] = await mySubscriptions(buyer);
      const cancel = await ctx().app.inject({
        method: "POST",
        url: `/api/v1/me/subscriptions/${sub!.id}/cancel`,
        headers: buyer.headers,
      });
      expect(cancel.statusCode).toBe(200);
      expect(cancel.json()).toMatchObject({ status: "cancelled", cancelAtPeriodEnd: true });
      const stripeSub = stripe.subscriptionOf(sessionId);
      const [update] = stripe.callsTo(`/v1/subscriptions/${stripeSub.id}`);
      expect(update!.params).toEqual({ cancel_at_period_end: "true" });
      expect(stripeSub.cancel_at_period_end).toBe(true);

      const resume = await ctx().app.inject({
        method: "POST",
        url: `/api/v1/me/subscriptions/${sub!.id}/resume`,
        headers: buyer.headers,
      });
      expect(resume.json()).toMatchObject({ status: "active", cancelAtPeriodEnd: false });
      expect(stripeSub.cancel_at_period_end).toBe(false);

      // Cancelled in the customer portal: Stripe tells us with an update.
      stripeSub.cancel_at_period_end = true;
      ctx().clock.advance(1000);
      expect(
        await result(
          stripe.subscriptionEvent("customer.subscription.updated", stripeSub.id as string, nowSeconds()),
        ),
      ).toBe("updated");
      expect((await mySubscriptions(buyer))[0]).toMatchObject({ status: "cancelled" });
      ctx().clock.advance(1000);
      expect(
        await result(
          stripe.subscriptionEvent("customer.subscription.deleted", stripeSub.id as string, nowSeconds()),
        ),
      ).toBe("ended");
      expect((await mySubscriptions(buyer))[0]).toMatchObject({ status: "ended" });
      const again = await ctx().app.inject({
        method: "POST",
        url: `/api/v1/me/subscriptions/${sub!.id}/resume`,
        headers: buyer.headers,
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe("subscriptions.ended");
    });

    it("opens the Stripe customer portal for the subscriber's customer", async () => {
      const { buyer, sessionId } = await subscribed();
      await result(completed(sessionId));
      const res = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/me/billing-portal",
        headers: buyer.headers,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ url: stripe.portalSessions[0]!.url });
      expect(stripe.portalSessions[0]!.customer).toBe(stripe.subscriptionOf(sessionId).customer);
    });

    it("a failed renewal makes it past due with a 3-day grace and a message; the retry that pays replaces the grace", async () => {
      const { buyer, sessionId } = await subscribed();
      await result(completed(sessionId));
      const firstEnd = await planEnd(buyer.user.id);
      ctx().clock.advance(30 * DAY_MS - 60_000);
      const renewal = stripe.renewalInvoice(subscriptionId(sessionId), nowSeconds());
      const failed = stripe.invoiceEvent("invoice.payment_failed", renewal.id as string, nowSeconds());
      expect(await result(failed)).toBe("past_due");
      // Stripe's next attempt fails too: still one grace, one message.
      expect(
        await result(stripe.invoiceEvent("invoice.payment_failed", renewal.id as string, nowSeconds())),
      ).toBe("already_past_due");
      expect((await mySubscriptions(buyer))[0]).toMatchObject({ status: "past_due" });
      expect(await planEnd(buyer.user.id)).toBe(firstEnd + 3 * DAY_MS);
      const told = await ctx()
        .deps.db.select()
        .from(outbox)
        .where(eq(outbox.topic, "subscriptions.past_due"));
      expect(told).toHaveLength(1);
      expect(told[0]!.payload).toMatchObject({ userId: buyer.user.id, provider: "stripe" });

      ctx().clock.advance(DAY_MS);
      expect(await result(stripe.invoiceEvent("invoice.paid", renewal.id as string, nowSeconds()))).toBe(
        "renewed",
      );
      expect((await mySubscriptions(buyer))[0]).toMatchObject({ status: "active" });
      // The first period had run out (the grace bridged it): the paid one runs from now; the grace is gone.
      expect(await planEnd(buyer.user.id)).toBe(ctx().clock.now().getTime() + 30 * DAY_MS);
      expect((await periods(buyer.user.id)).map((p) => p.sourceKind)).toEqual(["order", "order"]);
    });

    it("a refunded renewal charge revokes that renewal's period only", async () => {
      const { buyer, sessionId } = await subscribed();
      await result(completed(sessionId));
      const firstEnd = await planEnd(buyer.user.id);
      const renewal = stripe.renewalInvoice(subscriptionId(sessionId), nowSeconds());
      await result(stripe.invoiceEvent("invoice.paid", renewal.id as string, nowSeconds()));
      expect(await result(stripe.refundInvoiceEvent(renewal.id as string, nowSeconds()))).toBe("refunded");
      expect(await planEnd(buyer.user.id)).toBe(firstEnd);
      expect(await periods(buyer.user.id)).toHaveLength(1);
    });
  });

  describe("bad input and races", () => {
    it("invoice.paid before checkout.session.completed ends in the same state", async () => {
      const { buyer, order, sessionId } = await subscribed();
      // Stripe pays the first invoice as the session completes; its events may come either way round.
      const session = completed(sessionId);
      expect(await result(stripe.invoiceEvent("invoice.paid", firstInvoiceId(sessionId), nowSeconds()))).toBe(
        "paid",
      );
      expect(await result(session)).toBe("duplicate");
      expect(await periods(buyer.user.id)).toHaveLength(1);
      expect((await ctx().deps.orders.findById(order.id))!.status).toBe("paid");
      expect(await mySubscriptions(buyer)).toHaveLength(1);
    });

    it("a renewal before the first grant still ends with both periods and one subscription", async () => {
      const { buyer, order, sessionId } = await subscribed();
      const session = completed(sessionId);
      const renewal = stripe.renewalInvoice(subscriptionId(sessionId), nowSeconds());
      expect(await result(stripe.invoiceEvent("invoice.paid", renewal.id as string, nowSeconds()))).toBe(
        "renewed",
      );
      expect(await result(session)).toBe("paid");
      expect(await result(stripe.invoiceEvent("invoice.paid", firstInvoiceId(sessionId), nowSeconds()))).toBe(
        "duplicate",
      );
      expect((await ctx().deps.orders.findById(order.id))!.status).toBe("paid");
      const start = ctx().clock.now().getTime();
      expect(await planEnd(buyer.user.id)).toBe(start + 60 * DAY_MS);
      expect(await mySubscriptions(buyer)).toHaveLength(1);
    });

    it("the same invoice delivered twice at once extends once (two events, one invoice id)", async () => {
      const { buyer, sessionId } = await subscribed();
      await result(completed(sessionId));
      const renewal = stripe.renewalInvoice(subscriptionId(sessionId), nowSeconds());
      const a = stripe.invoiceEvent("invoice.paid", renewal.id as string, nowSeconds());
      const b = stripe.invoiceEvent("invoice.paid", renewal.id as string, nowSeconds());
      expect(a.id).not.toBe(b.id);
      const results = await Promise.all([result(a), result(b)]);
      expect(results.sort()).toEqual(["duplicate", "renewed"]);
      expect(await periods(buyer.user.id)).toHaveLength(2);
    });

    it("invoice.paid for a subscription no order knows: 200, logged and flagged, nothing granted", async () => {
      const { sessionId } = await subscribed();
      await result(completed(sessionId));
      const stray = stripe.invoiceEvent("invoice.paid", firstInvoiceId(sessionId), nowSeconds(), {
        parent: {
          type: "subscription_details",
          quote_details: null,
          subscription_details: { metadata: {}, subscription: "sub_test_unknown" },
        },
        id: "in_test_stray",
      });
      expect(await result(stray)).toBe("unknown_subscription");
      const [row] = await ctx()
        .deps.db.select()
        .from(stripeEvents)
        .where(eq(stripeEvents.id, stray.id as string));
      expect(row!.flaggedReason).toMatch(/subscription/);
      expect(ctx().logs.some((l) => l.includes("unknown order or subscription"))).toBe(true);
      // The operator finds it in the admin API (Stripe took money we could not place).
      const admin = await createUser(ctx().deps, { admin: true });
      const flagged = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/admin/payments/flagged",
        headers: admin.headers,
      });
      expect(flagged.statusCode).toBe(200);
      expect(flagged.json().items).toEqual([
        {
          eventId: stray.id,
          type: "invoice.paid",
          result: "unknown_subscription",
          reason: "payment for a subscription no order of ours knows",
          orderId: null,
          receivedAt: ctx().clock.now().toISOString(),
        },
      ]);
    });
  });

  describe("errors and security", () => {
    it("another user's subscription is a 404, and the portal is 409 without a card subscription", async () => {
      const { sessionId, buyer } = await subscribed();
      await result(completed(sessionId));
      const [sub] = await mySubscriptions(buyer);
      const stranger = await createUser(ctx().deps);
      for (const action of ["cancel", "resume"]) {
        const res = await ctx().app.inject({
          method: "POST",
          url: `/api/v1/me/subscriptions/${sub!.id}/${action}`,
          headers: stranger.headers,
        });
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe("subscriptions.not_found");
      }
      expect(await mySubscriptions(stranger)).toEqual([]);
      const portal = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/me/billing-portal",
        headers: stranger.headers,
      });
      expect(portal.statusCode).toBe(409);
      expect(portal.json().code).toBe("subscriptions.no_billing_account");
    });
  });
});
