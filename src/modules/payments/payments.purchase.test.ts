import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { FakeStripe, signedWebhook } from "../../../test/fakes/stripe";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";

const stripe = await new FakeStripe().start();
afterAll(() => stripe.stop());

/** A buyer's whole journey over real HTTP, against a listening server and the fake Stripe. */
describe("buying a plan end to end", () => {
  const ctx = useTestApp({ env: stripe.env({ PUBLIC_URL: "https://shop.signaldesk.test" }) });

  it("goes from order to checkout to a signed webhook to an entitlement the buyer can see", async () => {
    const { app, deps } = ctx();
    await deps.catalog.seedDefaultCatalog();
    await app.listen({ port: 0, host: "127.0.0.1" });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const { headers } = await createUser(deps);
    const call = async <T = Record<string, unknown>>(
      method: string,
      path: string,
      body?: unknown,
      extra: Record<string, string> = {},
    ) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...headers,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...extra,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as T };
    };

    const catalog = await call<{ categories: { products: { tiers: { id: string; level: string }[] }[] }[] }>(
      "GET",
      "/api/v1/catalog",
    );
    const vip = catalog.json.categories[0]!.products[0]!.tiers.find((t) => t.level === "vip")!;
    const order = await call<{ id: string; totalMinor: number }>("POST", "/api/v1/orders", {
      tierId: vip.id,
      months: 3,
      region: "US",
    });
    expect(order.status).toBe(201);
    expect(order.json).toMatchObject({ status: "pending", currency: "USD", months: 3 });

    const checkout = await call<{ url: string; sessionId: string }>(
      "POST",
      `/api/v1/orders/${order.json.id}/checkout`,
      { provider: "stripe" },
      { "idempotency-key": "journey-1" },
    );
    expect(checkout.status).toBe(200);
    expect(checkout.json.url).toMatch(/^https:\/\/checkout\.stripe\.test\//);
    const [created] = stripe.callsTo("/v1/checkout/sessions");
    expect(created!.params["line_items[0][price_data][unit_amount]"]).toBe(String(order.json.totalMinor));

    const event = stripe.sessionEvent("checkout.session.completed", checkout.json.sessionId);
    const { payload, headers: signature } = signedWebhook(event);
    const webhook = await fetch(`${base}/api/v1/webhooks/stripe`, {
      method: "POST",
      headers: signature,
      body: payload,
    });
    expect(webhook.status).toBe(200);

    const entitlements = await call("GET", "/api/v1/me/entitlements");
    expect(entitlements.json).toMatchObject({
      tier: "vip",
      features: { signals: true, maxDevices: 3, autoApprove: true },
      items: [{ tierId: vip.id, level: "vip", source: { orderId: order.json.id }, active: true }],
    });
    const paid = await call("GET", `/api/v1/orders/${order.json.id}`);
    expect(paid.json).toMatchObject({ status: "paid", provider: "stripe" });
    expect((await call<{ tier: string }>("GET", "/api/v1/me")).json.tier).toBe("vip");
  });
});
