import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { FakeStripe, signedWebhook } from "../../../test/fakes/stripe";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";
import { DAY_MS } from "../entitlements/entitlements.models";

const stripe = await new FakeStripe().start();
afterAll(() => stripe.stop());
beforeEach(() => stripe.reset());

type Json = Record<string, unknown>;

// Plans that renew by themselves get no renewal reminders; a cancelled or ended one does.
describe("renewal reminders and subscriptions", () => {
  const ctx = useTestApp({ env: stripe.env() });
  const nowSeconds = () => Math.floor(ctx().clock.now().getTime() / 1000);
  const deliver = async (event: Json) => {
    const { payload, headers } = signedWebhook(event, { timestamp: nowSeconds() });
    const res = await ctx().app.inject({ method: "POST", url: "/api/v1/webhooks/stripe", headers, payload });
    expect(res.statusCode).toBe(200);
  };

  async function subscriber() {
    const { deps } = ctx();
    await deps.catalog.seedDefaultCatalog();
    const tierId = (await deps.catalog.view()).categories[0]!.products[0]!.tiers[0]!.id;
    const buyer = await createUser(deps);
    const created = await ctx().app.inject({
      method: "POST",
      url: "/api/v1/orders",
      headers: buyer.headers,
      payload: { tierId, months: 1, renewal: "auto" },
    });
    const { sessionId } = await deps.payments.checkout(buyer.user.id, created.json().id);
    await deliver(stripe.sessionEvent("checkout.session.completed", sessionId, {}, nowSeconds()));
    const [period] = await deps.entitlements.periodsOf(buyer.user.id);
    const [sub] = await deps.subscriptions.listOwn(buyer.user.id);
    return { buyer, sessionId, end: period!.expiresAt.getTime(), subscriptionId: sub!.id };
  }
  const dueKinds = async () => (await ctx().deps.renewals.due()).map((n) => n.kind);

  it("a live subscription's plan gets no reminder; cancelled at period end, it does", async () => {
    const { buyer, end, subscriptionId } = await subscriber();
    ctx().clock.set(new Date(end - 2 * DAY_MS));
    expect(await dueKinds()).toEqual([]);
    const cancel = await ctx().app.inject({
      method: "POST",
      url: `/api/v1/me/subscriptions/${subscriptionId}/cancel`,
      headers: { authorization: `Bearer ${await ctx().deps.tokens.issue(buyer.user.id)}` },
    });
    expect(cancel.statusCode).toBe(200);
    expect(await dueKinds()).toEqual(["ends_in_3d"]);
  });

  it("a past-due subscription's grace is not announced; once the subscription ends, its end is", async () => {
    const { sessionId, end } = await subscriber();
    ctx().clock.set(new Date(end - 60_000));
    const sub = stripe.subscriptionOf(sessionId);
    const renewal = stripe.renewalInvoice(sub.id as string, nowSeconds());
    await deliver(stripe.invoiceEvent("invoice.payment_failed", renewal.id as string, nowSeconds()));
    ctx().clock.set(new Date(end + 2.5 * DAY_MS));
    expect(await dueKinds()).toEqual([]);
    await deliver(stripe.subscriptionEvent("customer.subscription.deleted", sub.id as string, nowSeconds()));
    expect(await dueKinds()).toEqual(["ends_in_1d"]);
  });
});
