import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { FakeStripe, signedWebhook } from "../../../test/fakes/stripe";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";
import { ORDER_TTL_MS } from "../orders/orders.models";
import { checkoutPageToken } from "./payments.models";

const stripe = await new FakeStripe().start();
afterAll(() => stripe.stop());
beforeEach(() => stripe.reset());

const PUBLIC_URL = "https://shop.signaldesk.test";
const BOT = "signaldesk_pages_bot";

describe("checkout return pages (/checkout/success, /checkout/cancel)", () => {
  const ctx = useTestApp({ env: stripe.env({ PUBLIC_URL, TELEGRAM_BOT_USERNAME: BOT }) });

  async function checkedOut() {
    const { deps } = ctx();
    await deps.catalog.seedDefaultCatalog();
    const tier = (await deps.catalog.view()).categories[0]!.products[0]!.tiers[0]!;
    const buyer = await createUser(deps);
    const order = await deps.orders.create(
      { id: buyer.user.id, region: "EU" },
      { tierId: tier.id, months: 3 },
    );
    const checkout = await deps.payments.checkout(buyer.user.id, order.id);
    const call = stripe.callsTo("/v1/checkout/sessions")[0]!;
    // The URLs Stripe sends the buyer back to, with the session id filled in as Stripe does.
    const success = call.params.success_url!.replace("{CHECKOUT_SESSION_ID}", checkout.sessionId);
    const cancel = call.params.cancel_url!;
    return { buyer, tier, order, sessionId: checkout.sessionId, success, cancel };
  }

  const open = (absolute: string) =>
    ctx().app.inject({ method: "GET", url: absolute.replace(PUBLIC_URL, "") });

  const pay = async (sessionId: string) => {
    const now = Math.floor(ctx().clock.now().getTime() / 1000);
    const event = stripe.sessionEvent("checkout.session.completed", sessionId, {}, now);
    const { payload, headers } = signedWebhook(event, { timestamp: now });
    const res = await ctx().app.inject({ method: "POST", url: "/api/v1/webhooks/stripe", headers, payload });
    expect(res.json().result).toBe("paid");
  };

  describe("happy path", () => {
    it("shows a pending order as being confirmed, polls its state, and shows it paid once the webhook lands", async () => {
      const { order, tier, sessionId, success } = await checkedOut();
      const before = await open(success);
      expect(before.statusCode).toBe(200);
      expect(before.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(before.body).toContain("Confirming your payment");
      expect(before.body).toContain(order.id);
      expect(before.body).toContain(`${tier.name}, 3 months`);
      expect(before.body).toContain(`href="https://t.me/${BOT}"`);
      // The poller asks for the state with the page's own key.
      const stateUrl = /var url="([^"]+)"/.exec(before.body)![1]!;
      expect(stateUrl).toMatch(/^\/checkout\/state\?/);
      const nonce = /<script nonce="([^"]+)"/.exec(before.body)![1]!;
      expect(before.headers["content-security-policy"]).toContain(`script-src 'nonce-${nonce}'`);
      const polled = await ctx().app.inject({ method: "GET", url: stateUrl });
      expect(polled.json()).toEqual({ orderId: order.id, status: "pending" });

      await pay(sessionId);
      expect((await ctx().app.inject({ method: "GET", url: stateUrl })).json().status).toBe("paid");
      const after = await open(success);
      expect(after.body).toContain("Payment received");
      const period = await ctx().deps.entitlements.periodForOrder(order.id);
      expect(after.body).toContain("Your plan is active until");
      expect(period).toBeDefined();
      // Nothing left to wait for: no poller on a settled order.
      expect(after.body).not.toContain("<script");
    });

    it("says nothing was charged on the cancel page and when the order stays payable", async () => {
      const { cancel } = await checkedOut();
      const res = await open(cancel);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain("Payment cancelled");
      expect(res.body).toContain("Nothing was charged");
      expect(res.body).toContain(`href="https://t.me/${BOT}"`);
    });

    it("shows an expired order as expired", async () => {
      const { cancel, success } = await checkedOut();
      ctx().clock.advance(ORDER_TTL_MS + 86_400_000);
      expect((await open(cancel)).body).toContain("Order expired");
      expect((await open(success)).body).toContain("Order expired");
    });

    it("opens with the session id Stripe fills in even without our token", async () => {
      const { order, sessionId } = await checkedOut();
      const res = await open(`/checkout/success?order=${order.id}&session_id=${sessionId}`);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(order.id);
    });
  });

  describe("errors", () => {
    it("answers a 404 page for an unknown order", async () => {
      const res = await open("/checkout/success?order=ord_nope&t=x");
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain("Order not found");
    });
  });

  describe("security", () => {
    it("never shows an order to a link without its token or session (ids are not secrets)", async () => {
      const { order, sessionId } = await checkedOut();
      const other = await checkedOut();
      const forged = [
        `/checkout/success?order=${order.id}`,
        `/checkout/success?order=${order.id}&t=${checkoutPageToken("another-secret-another-secret!!", order.id)}`,
        `/checkout/cancel?order=${order.id}&t=${checkoutPageToken(ctx().deps.config.jwtSecret, other.order.id)}`,
        `/checkout/success?order=${order.id}&session_id=${other.sessionId}`,
        `/checkout/success?order=${other.order.id}&session_id=${sessionId}`,
      ];
      for (const url of forged) {
        const res = await open(url);
        expect(res.statusCode, url).toBe(404);
        expect(res.body).not.toContain(order.id);
      }
      const state = await ctx().app.inject({
        method: "GET",
        url: `/checkout/state?order=${order.id}&t=nope`,
      });
      expect(state.statusCode).toBe(404);
      expect(state.json().code).toBe("orders.not_found");
    });

    it("escapes what it prints and serves the pages with a strict CSP", async () => {
      const { cancel } = await checkedOut();
      const res = await open(cancel);
      const csp = res.headers["content-security-policy"] as string;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
      const bad = await open("/checkout/success?order=%3Cscript%3Ealert(1)%3C/script%3E&t=x");
      expect(bad.statusCode).toBe(404);
      expect(bad.body).not.toContain("<script>alert");
    });
  });
});

describe("the free order's success link", () => {
  const ctx = useTestApp({ env: { PUBLIC_URL } });

  it("opens the page with the order shown as paid", async () => {
    const { deps } = ctx();
    await deps.catalog.seedDefaultCatalog();
    const tier = (await deps.catalog.view()).categories[0]!.products[0]!.tiers[0]!;
    const admin = await createUser(deps, { admin: true });
    const coupon = await ctx().app.inject({
      method: "POST",
      url: "/api/v1/admin/coupons",
      headers: admin.headers,
      payload: { code: "FREEPAGE", percentOff: 100 },
    });
    expect(coupon.statusCode).toBe(201);
    const buyer = await createUser(deps);
    const order = await deps.orders.create(
      { id: buyer.user.id, region: null },
      { tierId: tier.id, months: 1, coupon: "FREEPAGE" },
    );
    const { url } = await deps.payments.checkout(buyer.user.id, order.id);
    const res = await ctx().app.inject({ method: "GET", url: url.replace(PUBLIC_URL, "") });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("Payment received");
  });
});
