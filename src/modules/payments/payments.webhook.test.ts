import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { FakeStripe, signedWebhook, stripeEvent } from "../../../test/fakes/stripe";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";
import { ORDER_TTL_MS } from "../orders/orders.models";
import { isLiveKey } from "./payments.stripe";
import { stripeEvents } from "./payments.table";

const stripe = await new FakeStripe().start();
afterAll(() => stripe.stop());
beforeEach(() => stripe.reset());

type Json = Record<string, unknown>;

describe("POST /api/v1/webhooks/stripe", () => {
  const ctx = useTestApp({ env: stripe.env() });

  const nowSeconds = () => Math.floor(ctx().clock.now().getTime() / 1000);

  /** A buyer with a pending order checked out at the fake Stripe. */
  async function checkedOut(body: Json = {}) {
    const { deps } = ctx();
    await deps.catalog.seedDefaultCatalog();
    const tierId = (await deps.catalog.view()).categories[0]!.products[0]!.tiers[0]!.id;
    const buyer = await createUser(deps);
    const order = await deps.orders.create(
      { id: buyer.user.id, region: null },
      { tierId, months: 1, ...body },
    );
    const { sessionId } = await deps.payments.checkout(buyer.user.id, order.id);
    return { buyer, order, sessionId };
  }

  const deliver = (event: Json, opts: { secret?: string; timestamp?: number } = {}) => {
    const { payload, headers } = signedWebhook(event, { timestamp: nowSeconds(), ...opts });
    return ctx().app.inject({ method: "POST", url: "/api/v1/webhooks/stripe", headers, payload });
  };

  const completed = (sessionId: string, overrides: Json = {}) =>
    stripe.sessionEvent("checkout.session.completed", sessionId, overrides, nowSeconds());

  const orderRow = async (id: string) => (await ctx().deps.orders.findById(id))!;
  const periods = (userId: string) => ctx().deps.entitlements.periodsOf(userId);
  const storedEvents = () => ctx().deps.db.select().from(stripeEvents);

  describe("happy path", () => {
    it("pays the order on checkout.session.completed and grants the plan", async () => {
      const { buyer, order, sessionId } = await checkedOut();
      const event = completed(sessionId);
      const res = await deliver(event);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ received: true, result: "paid" });
      const row = await orderRow(order.id);
      expect(row).toMatchObject({
        status: "paid",
        provider: "stripe",
        providerReference: `pi_for_${sessionId}`,
      });
      expect(await ctx().deps.entitlements.tierOf(buyer.user.id)).toBe("premium");
      expect(await storedEvents()).toEqual([
        expect.objectContaining({
          id: event.id,
          type: "checkout.session.completed",
          result: "paid",
          orderId: order.id,
        }),
      ]);
      const metrics = await ctx().app.inject({ method: "GET", url: "/metrics" });
      expect(metrics.body).toContain(
        'stripe_events_total{type="checkout.session.completed",result="paid"} 1',
      );
      expect(metrics.body).toContain('orders_total{status="paid"} 1');
    });

    it("waits for async_payment_succeeded when the session completed unpaid", async () => {
      const { buyer, order, sessionId } = await checkedOut();
      const unpaid = await deliver(completed(sessionId, { payment_status: "unpaid" }));
      expect(unpaid.json().result).toBe("awaiting_payment");
      expect((await orderRow(order.id)).status).toBe("pending");
      const event = stripe.sessionEvent(
        "checkout.session.async_payment_succeeded",
        sessionId,
        {},
        nowSeconds(),
      );
      expect((await deliver(event)).json().result).toBe("paid");
      expect(await periods(buyer.user.id)).toHaveLength(1);
    });

    it("expires the order when Stripe expires its session", async () => {
      const { order, sessionId } = await checkedOut();
      const res = await deliver(stripe.sessionEvent("checkout.session.expired", sessionId, {}, nowSeconds()));
      expect(res.json().result).toBe("expired");
      expect((await orderRow(order.id)).status).toBe("expired");
    });

    it("refunds the order on a full charge.refunded and revokes the period it paid for", async () => {
      const { buyer, order, sessionId } = await checkedOut();
      await deliver(completed(sessionId));
      const res = await deliver(stripe.refundEvent(sessionId, { created: nowSeconds() }));
      expect(res.json().result).toBe("refunded");
      expect((await orderRow(order.id)).status).toBe("refunded");
      const [period] = await periods(buyer.user.id);
      expect(period!.revokedAt).not.toBeNull();
      expect(await ctx().deps.entitlements.tierOf(buyer.user.id)).toBe("free");
    });

    it("finds the refunded order through the charge's metadata when the payment intent is unknown", async () => {
      const { order, sessionId } = await checkedOut();
      await deliver(completed(sessionId, { payment_intent: null }));
      const refund = stripe.refundEvent(sessionId, { created: nowSeconds() });
      ((refund.data as Json).object as Json).payment_intent = "pi_unknown";
      expect((await deliver(refund)).json().result).toBe("refunded");
      expect((await orderRow(order.id)).status).toBe("refunded");
    });

    it("keeps the plan on a partial refund", async () => {
      const { buyer, order, sessionId } = await checkedOut();
      await deliver(completed(sessionId));
      const res = await deliver(
        stripe.refundEvent(sessionId, { amountRefunded: 100, created: nowSeconds() }),
      );
      expect(res.json().result).toBe("partial_refund");
      expect((await orderRow(order.id)).status).toBe("paid");
      expect(await ctx().deps.entitlements.tierOf(buyer.user.id)).toBe("premium");
    });

    it("honours a payment made in time whose webhook arrives after the order's expiry", async () => {
      const { buyer, order, sessionId } = await checkedOut();
      const paidAt = nowSeconds() + ORDER_TTL_MS / 1000 - 60;
      const event = stripe.sessionEvent("checkout.session.completed", sessionId, {}, paidAt);
      ctx().clock.advance(ORDER_TTL_MS + 3_600_000);
      expect(await ctx().deps.orders.expireOverdue()).toBe(0);
      expect((await deliver(event)).json().result).toBe("paid");
      expect((await orderRow(order.id)).status).toBe("paid");
      expect(await periods(buyer.user.id)).toHaveLength(1);
    });
  });

  describe("bad input and races", () => {
    it("answers 400 to a bad signature and changes nothing", async () => {
      const { order, sessionId } = await checkedOut();
      const event = completed(sessionId);
      const { payload, headers } = signedWebhook(event, { timestamp: nowSeconds() });
      const tampered = payload.replace(`"amount_total":${order.totalMinor}`, '"amount_total":1');
      for (const attempt of [
        { payload: tampered, headers },
        { payload, headers: { ...headers, "stripe-signature": "t=1,v1=deadbeef" } },
        { payload, headers: { "content-type": "application/json" } },
      ]) {
        const res = await ctx().app.inject({ method: "POST", url: "/api/v1/webhooks/stripe", ...attempt });
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe("payments.invalid_signature");
      }
      expect((await deliver(event, { secret: "whsec_someone_else" })).statusCode).toBe(400);
      expect((await deliver(event, { timestamp: nowSeconds() - 301 })).statusCode).toBe(400);
      expect(await storedEvents()).toEqual([]);
      expect((await orderRow(order.id)).status).toBe("pending");
    });

    it("answers 200 to an event for an unknown order and logs it", async () => {
      await checkedOut();
      const event = stripeEvent(
        "checkout.session.completed",
        {
          id: "cs_test_unknown",
          object: "checkout.session",
          client_reference_id: "ord_DOESNOTEXIST0000000000000",
          metadata: {},
          payment_status: "paid",
          amount_total: 2900,
          currency: "gbp",
          payment_intent: "pi_x",
        },
        nowSeconds(),
      );
      const res = await deliver(event);
      expect(res.statusCode).toBe(200);
      expect(res.json().result).toBe("order_not_found");
      expect(
        ctx().logs.some(
          (l) => l.includes("stripe event for an unknown order") && l.includes(event.id as string),
        ),
      ).toBe(true);
    });

    it("answers 200 to event types it does not handle", async () => {
      const res = await deliver(
        stripeEvent("customer.created", { id: "cus_1", object: "customer" }, nowSeconds()),
      );
      expect(res.statusCode).toBe(200);
      expect(res.json().result).toBe("ignored");
    });

    it("applies the same event delivered 20 times at once exactly once", async () => {
      const { buyer, sessionId } = await checkedOut();
      const event = completed(sessionId);
      const answers = await Promise.all(Array.from({ length: 20 }, () => deliver(event)));
      expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(200));
      const results = answers.map((a) => a.json().result);
      expect(results.filter((r) => r === "paid")).toHaveLength(1);
      expect(results.filter((r) => r === "duplicate")).toHaveLength(19);
      expect(await periods(buyer.user.id)).toHaveLength(1);
      expect(await storedEvents()).toHaveLength(1);
    });

    it("grants exactly once when the webhook and an admin mark-paid race", async () => {
      const { buyer, order, sessionId } = await checkedOut();
      const admin = await createUser(ctx().deps, { admin: true });
      const [webhook, manual] = await Promise.all([
        deliver(completed(sessionId)),
        ctx().app.inject({
          method: "POST",
          url: `/api/v1/admin/orders/${order.id}/mark-paid`,
          headers: admin.headers,
          payload: { reference: "bank-7" },
        }),
      ]);
      expect(webhook.statusCode).toBe(200);
      expect([200, 409]).toContain(manual.statusCode);
      expect((await orderRow(order.id)).status).toBe("paid");
      expect(await periods(buyer.user.id)).toHaveLength(1);
      if (manual.statusCode === 200) {
        expect(webhook.json().result).toBe("not_payable");
        expect((await orderRow(order.id)).flaggedReason).toMatch(/stripe payment .* for a paid order/);
      } else {
        expect(webhook.json().result).toBe("paid");
      }
    });

    it("flags an amount mismatch and does not pay", async () => {
      const { buyer, order, sessionId } = await checkedOut();
      const res = await deliver(completed(sessionId, { amount_total: order.totalMinor - 100 }));
      expect(res.statusCode).toBe(200);
      expect(res.json().result).toBe("flagged");
      const row = await orderRow(order.id);
      expect(row.status).toBe("pending");
      expect(row.flaggedReason).toBe(`amount ${order.totalMinor - 100} instead of ${order.totalMinor} GBP`);
      expect(await periods(buyer.user.id)).toEqual([]);
      expect(ctx().logs.some((l) => l.includes("stripe payment not applied") && l.includes("flagged"))).toBe(
        true,
      );
    });

    it("flags a currency mismatch and does not pay", async () => {
      const { order, sessionId } = await checkedOut({ region: "US" });
      const res = await deliver(completed(sessionId, { currency: "gbp" }));
      expect(res.json().result).toBe("flagged");
      expect((await orderRow(order.id)).flaggedReason).toBe("currency GBP instead of USD");
    });

    it("flags a signed event whose amount or currency is not of Stripe's type, instead of failing", async () => {
      const { order, sessionId } = await checkedOut();
      const res = await deliver(completed(sessionId, { currency: 826, amount_total: "2900" }));
      expect([res.statusCode, res.json().result]).toEqual([200, "flagged"]);
      expect((await orderRow(order.id)).status).toBe("pending");
    });

    it("flags a payment for an order the buyer cancelled", async () => {
      const { buyer, order, sessionId } = await checkedOut();
      await ctx().deps.orders.cancel(buyer.user.id, order.id);
      const res = await deliver(completed(sessionId));
      expect(res.json().result).toBe("not_payable");
      expect((await orderRow(order.id)).flaggedReason).toMatch(/for a cancelled order/);
      expect(await periods(buyer.user.id)).toEqual([]);
    });

    it("does not pay an order from a session other than the one stored on it", async () => {
      const { buyer, order } = await checkedOut();
      const other = await checkedOut();
      // A genuine, paid session of another order whose client_reference_id names this order.
      const forged = completed(other.sessionId, {
        client_reference_id: order.id,
        metadata: { orderId: order.id },
        amount_total: order.totalMinor,
      });
      const res = await deliver(forged);
      expect([res.statusCode, res.json().result]).toEqual([200, "session_mismatch"]);
      expect((await orderRow(order.id)).status).toBe("pending");
      expect(await periods(buyer.user.id)).toEqual([]);
      expect(ctx().logs.some((l) => l.includes("does not match the order's session"))).toBe(true);
    });

    it("ignores a live-mode event while configured with a test key, and pays nothing", async () => {
      const { buyer, order, sessionId } = await checkedOut();
      const res = await deliver({ ...completed(sessionId), livemode: true });
      expect([res.statusCode, res.json().result]).toEqual([200, "livemode_mismatch"]);
      expect((await orderRow(order.id)).status).toBe("pending");
      expect(await periods(buyer.user.id)).toEqual([]);
    });

    it("never logs the Stripe-Signature header", async () => {
      const { sessionId } = await checkedOut();
      const event = completed(sessionId);
      const { payload, headers } = signedWebhook(event, { timestamp: nowSeconds() });
      await ctx().app.inject({ method: "POST", url: "/api/v1/webhooks/stripe", headers, payload });
      const v1 = headers["stripe-signature"]!.split("v1=")[1]!;
      expect(ctx().logs.join("\n")).not.toContain(v1);
    });
  });
});

describe("the Stripe webhook outside the per-IP rate limit", () => {
  const ctx = useTestApp({ env: stripe.env({ RATE_LIMIT_IP_PER_MINUTE: "2" }) });

  it("accepts a burst of redeliveries from one address that the API would throttle", async () => {
    const event = stripeEvent("customer.created", { id: "cus_1", object: "customer" });
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const { payload, headers } = signedWebhook(event, {
        timestamp: Math.floor(ctx().clock.now().getTime() / 1000),
      });
      statuses.push(
        (await ctx().app.inject({ method: "POST", url: "/api/v1/webhooks/stripe", headers, payload }))
          .statusCode,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const throttled = [];
    for (let i = 0; i < 3; i++)
      throttled.push((await ctx().app.inject({ method: "GET", url: "/api/v1/catalog" })).statusCode);
    expect(throttled).toContain(429);
  });
});

describe("the Stripe webhook while Stripe is not configured", () => {
  const ctx = useTestApp();

  it("answers 503 payments.provider_unavailable", async () => {
    const { payload, headers } = signedWebhook(stripeEvent("customer.created", {}));
    const res = await ctx().app.inject({ method: "POST", url: "/api/v1/webhooks/stripe", headers, payload });
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("payments.provider_unavailable");
  });
});

describe("the Stripe key's mode", () => {
  it.each([
    ["sk_live_abc", true],
    ["rk_live_abc", true],
    ["sk_test_abc", false],
    ["rk_test_abc", false],
    ["xsk_live_abc", false],
  ])("%s is live: %s", (key, live) => {
    expect(isLiveKey(key)).toBe(live);
  });
});
