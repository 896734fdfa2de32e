import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { FakeStripe, TEST_STRIPE_SECRET_KEY } from "../../../test/fakes/stripe";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";
import { ORDER_TTL_MS } from "../orders/orders.models";
import { checkoutPageToken } from "./payments.models";

const stripe = await new FakeStripe().start();
afterAll(() => stripe.stop());
beforeEach(() => stripe.reset());

const PUBLIC_URL = "https://shop.signaldesk.test";

type Ctx = ReturnType<typeof useTestApp>;

async function orderFor(ctx: Ctx, headers: Record<string, string>, body: Record<string, unknown> = {}) {
  await ctx().deps.catalog.seedDefaultCatalog();
  const tierId = (await ctx().deps.catalog.view()).categories[0]!.products[0]!.tiers[0]!.id;
  const res = await ctx().app.inject({
    method: "POST",
    url: "/api/v1/orders",
    headers,
    payload: { tierId, months: 1, ...body },
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

const checkout = (
  ctx: Ctx,
  orderId: string,
  headers: Record<string, string>,
  payload: unknown = { provider: "stripe" },
) =>
  ctx().app.inject({
    method: "POST",
    url: `/api/v1/orders/${orderId}/checkout`,
    headers,
    payload: payload as Record<string, unknown>,
  });

describe("POST /api/v1/orders/{id}/checkout with Stripe", () => {
  const ctx = useTestApp({ env: stripe.env({ PUBLIC_URL }) });
  const pageToken = (orderId: string) => checkoutPageToken(ctx().deps.config.jwtSecret, orderId);

  describe("happy path", () => {
    it("opens a Checkout Session in payment mode for the order's total and currency", async () => {
      const { headers, user } = await createUser(ctx().deps);
      const order = await orderFor(ctx, headers, { region: "EU", months: 3 });
      const res = await checkout(ctx, order.id, headers);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toEqual({
        provider: "stripe",
        url: expect.stringMatching(/^https:\/\//),
        sessionId: expect.any(String),
      });

      const [call] = stripe.callsTo("/v1/checkout/sessions");
      expect(call!.authorization).toBe(`Bearer ${TEST_STRIPE_SECRET_KEY}`);
      expect(call!.idempotencyKey).toBe(`checkout:${order.id}`);
      expect(call!.params).toMatchObject({
        mode: "payment",
        client_reference_id: order.id,
        "metadata[orderId]": order.id,
        "metadata[userId]": user.id,
        "payment_intent_data[metadata][orderId]": order.id,
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": String(order.totalMinor),
        success_url: `${PUBLIC_URL}/checkout/success?order=${order.id}&t=${pageToken(order.id)}&session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${PUBLIC_URL}/checkout/cancel?order=${order.id}&t=${pageToken(order.id)}`,
        expires_at: String(Math.floor(Date.parse(order.expiresAt) / 1000)),
      });
      expect(body.sessionId).toBe(stripe.sessions.keys().next().value);

      const after = await ctx().app.inject({ method: "GET", url: `/api/v1/orders/${order.id}`, headers });
      expect(after.json()).toMatchObject({ status: "pending", provider: "stripe" });
    });

    it("hands out the same session again instead of opening a second one", async () => {
      const { headers } = await createUser(ctx().deps);
      const order = await orderFor(ctx, headers);
      const first = (await checkout(ctx, order.id, headers)).json();
      const second = (await checkout(ctx, order.id, headers)).json();
      expect(second).toEqual(first);
      expect(stripe.callsTo("/v1/checkout/sessions")).toHaveLength(1);
    });

    it("opens one session when checkouts for one order race", async () => {
      const { headers } = await createUser(ctx().deps);
      const order = await orderFor(ctx, headers);
      const answers = await Promise.all(Array.from({ length: 5 }, () => checkout(ctx, order.id, headers)));
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
      expect(new Set(answers.map((a) => a.json().sessionId)).size).toBe(1);
      expect(stripe.sessions.size).toBe(1);
    });

    it("replays the first answer for a repeated Idempotency-Key, and refuses it for another order", async () => {
      const { headers } = await createUser(ctx().deps);
      const order = await orderFor(ctx, headers);
      const other = await orderFor(ctx, headers);
      const keyed = { ...headers, "idempotency-key": "pay-1" };
      const first = await checkout(ctx, order.id, keyed);
      const repeat = await checkout(ctx, order.id, keyed);
      expect(repeat.statusCode).toBe(200);
      expect(repeat.json()).toEqual(first.json());
      expect(repeat.headers["idempotent-replayed"]).toBe("true");
      const reused = await checkout(ctx, other.id, keyed);
      expect(reused.statusCode).toBe(409);
      expect(reused.json().code).toBe("request.idempotency_key_reused");
    });
  });

  describe("errors", () => {
    it("answers 409 orders.not_pending for a cancelled, paid or expired order and calls Stripe for none", async () => {
      const person = await createUser(ctx().deps);
      const admin = await createUser(ctx().deps, { admin: true });
      const cancelled = await orderFor(ctx, person.headers);
      await ctx().app.inject({
        method: "POST",
        url: `/api/v1/orders/${cancelled.id}/cancel`,
        headers: person.headers,
      });
      const paid = await orderFor(ctx, person.headers);
      await ctx().deps.orders.markPaidManually(admin.user, paid.id, "cash");
      const expired = await orderFor(ctx, person.headers);
      ctx().clock.advance(ORDER_TTL_MS);
      const headers = { authorization: `Bearer ${await ctx().deps.tokens.issue(person.user.id)}` };
      for (const order of [cancelled, paid, expired]) {
        const res = await checkout(ctx, order.id, headers);
        expect(res.statusCode).toBe(409);
        expect(res.json().code).toBe("orders.not_pending");
      }
      expect(stripe.calls).toEqual([]);
    });

    it("answers 409 orders.expires_too_soon when Stripe could not keep the session open 30 minutes", async () => {
      const person = await createUser(ctx().deps);
      const order = await orderFor(ctx, person.headers);
      ctx().clock.advance(ORDER_TTL_MS - 30 * 60_000);
      const headers = { authorization: `Bearer ${await ctx().deps.tokens.issue(person.user.id)}` };
      const res = await checkout(ctx, order.id, headers);
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("orders.expires_too_soon");
    });

    it("answers 502 when Stripe fails, leaving the order pending and payable", async () => {
      const { headers } = await createUser(ctx().deps);
      const order = await orderFor(ctx, headers);
      for (let i = 0; i < 3; i++) stripe.failNext(500);
      const res = await checkout(ctx, order.id, headers);
      expect(res.statusCode).toBe(502);
      expect(res.json().code).toBe("payments.provider_failed");
      expect(JSON.stringify(res.json())).not.toContain(TEST_STRIPE_SECRET_KEY);
      const retry = await checkout(ctx, order.id, headers);
      expect(retry.statusCode).toBe(200);
    });

    it("answers 400 for a provider other than stripe and 404 for an unknown order", async () => {
      const { headers } = await createUser(ctx().deps);
      const order = await orderFor(ctx, headers);
      expect((await checkout(ctx, order.id, headers, { provider: "paypal" })).statusCode).toBe(400);
      expect((await checkout(ctx, order.id, headers, {})).statusCode).toBe(400);
      const unknown = await checkout(ctx, "ord_NOPE", headers);
      expect(unknown.statusCode).toBe(404);
    });
  });

  describe("security", () => {
    it("answers 401 without a token", async () => {
      expect((await checkout(ctx, "ord_X", {})).statusCode).toBe(401);
    });

    it("answers 404 for another user's order and never reaches Stripe", async () => {
      const owner = await createUser(ctx().deps);
      const other = await createUser(ctx().deps);
      const order = await orderFor(ctx, owner.headers);
      const res = await checkout(ctx, order.id, other.headers);
      expect(res.statusCode).toBe(404);
      expect(stripe.calls).toEqual([]);
    });

    it("expires the Stripe session when the buyer cancels, so the cancelled order cannot be paid", async () => {
      const { headers } = await createUser(ctx().deps);
      const order = await orderFor(ctx, headers);
      const { sessionId } = (await checkout(ctx, order.id, headers)).json();
      await ctx().app.inject({ method: "POST", url: `/api/v1/orders/${order.id}/cancel`, headers });
      await expect.poll(() => stripe.callsTo(`/v1/checkout/sessions/${sessionId}/expire`).length).toBe(1);
    });
  });
});

describe("checkout while Stripe is not configured", () => {
  const ctx = useTestApp();

  it("answers 503 payments.provider_unavailable", async () => {
    const { headers } = await createUser(ctx().deps);
    const order = await orderFor(ctx, headers);
    const res = await checkout(ctx, order.id, headers);
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("payments.provider_unavailable");
  });
});

describe("checkout of someone else's order while Stripe is not configured", () => {
  const ctx = useTestApp();

  it("answers 404, as it does with Stripe on, so the order's existence never shows", async () => {
    const owner = await createUser(ctx().deps);
    const other = await createUser(ctx().deps);
    const order = await orderFor(ctx, owner.headers);
    const res = await checkout(ctx, order.id, other.headers);
    expect(res.statusCode).toBe(404);
    expect((await checkout(ctx, "ord_unknown", other.headers)).statusCode).toBe(404);
  });
});
