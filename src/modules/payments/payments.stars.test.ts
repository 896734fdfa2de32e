import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser, person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";

describe("POST /api/v1/orders/{id}/checkout with Telegram Stars (the Mini App's invoice link)", () => {
  const t = useTelegramApp();

  async function pendingOrder(telegramId: number, body: Record<string, unknown> = {}) {
    const { premium } = await t.tiers();
    const { user } = await t.ctx().deps.users.ensureFromTelegram({
      telegramId,
      username: null,
      firstName: "Ada",
      languageCode: "es",
    });
    const headers = { authorization: `Bearer ${await t.ctx().deps.tokens.issue(user.id)}` };
    const res = await t.ctx().app.inject({
      method: "POST",
      url: "/api/v1/orders",
      headers,
      payload: { tierId: premium.id, months: 3, region: "GB", ...body },
    });
    expect(res.statusCode, res.body).toBe(201);
    return { order: res.json() as { id: string }, headers, user };
  }

  const checkout = (orderId: string, headers: Record<string, string>, extra: Record<string, string> = {}) =>
    t.ctx().app.inject({
      method: "POST",
      url: `/api/v1/orders/${orderId}/checkout`,
      headers: { ...headers, ...extra },
      payload: { provider: "stars" },
    });

  describe("happy path", () => {
    it("answers a createInvoiceLink link in XTR for the order's locked price, worded in the buyer's language", async () => {
      const ada = person();
      const { order, headers } = await pendingOrder(ada.id);
      const res = await checkout(order.id, headers);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ provider: "stars", url: expect.stringMatching(/^https:\/\/t\.me\/\$/) });
      const [call] = t.api.callsOf("createInvoiceLink");
      // £82.65 × 75 stars per pound, rounded up: the same price the bot's own invoice asks.
      expect(call!.params).toMatchObject({
        currency: "XTR",
        payload: order.id,
        prices: [{ label: "Premium — 3 meses", amount: 6199 }],
        title: "Premium — 3 meses",
        description: `pedido de signaldesk ${order.id}`,
      });
      expect(call!.params).not.toHaveProperty("subscription_period");
      expect((await t.ctx().deps.orders.findById(order.id))!.starsAmount).toBe(6199);
    });

    it("the link's payment pays the order through the bot, at the price the link fixed", async () => {
      const ada = person();
      const { order, headers, user } = await pendingOrder(ada.id);
      expect((await checkout(order.id, headers)).statusCode).toBe(200);
      // The chat's invoice for the same order asks the same amount.
      await t.send(updates.callback(ada, `pay:stars:${order.id}`));
      expect((t.api.callsOf("sendInvoice")[0]!.params.prices as { amount: number }[])[0]!.amount).toBe(6199);
      await t.send(updates.preCheckout(ada, order.id, 6199));
      expect(t.api.callsOf("answerPreCheckoutQuery").at(-1)!.params).toMatchObject({ ok: true });
      await t.send(updates.payment(ada, order.id, 6199, `charge-${order.id}`));
      expect(await t.ctx().deps.orders.findById(order.id)).toMatchObject({
        status: "paid",
        provider: "stars",
      });
      expect(await t.ctx().deps.entitlements.tierOf(user.id)).toBe("premium");
    });

    it("a repeat with the same Idempotency-Key answers the first link and asks Telegram once", async () => {
      const { order, headers } = await pendingOrder(person().id);
      const first = await checkout(order.id, headers, { "idempotency-key": "stars-1" });
      const again = await checkout(order.id, headers, { "idempotency-key": "stars-1" });
      expect(again.json()).toEqual(first.json());
      expect(t.api.callsOf("createInvoiceLink")).toHaveLength(1);
    });
  });

  describe("Star subscriptions", () => {
    it("an auto-renewing monthly order answers a Star subscription link: one period's price, subscription_period 30 days", async () => {
      const { order, headers } = await pendingOrder(person().id, { renewal: "auto", months: 1 });
      const res = await checkout(order.id, headers);
      expect(res.statusCode, res.body).toBe(200);
      const [call] = t.api.callsOf("createInvoiceLink");
      // £29.00 × 75 stars, for 30 days.
      expect(call!.params).toMatchObject({
        payload: order.id,
        currency: "XTR",
        subscription_period: 2592000,
      });
      expect((call!.params.prices as { amount: number }[])[0]!.amount).toBe(2175);
      expect(t.api.invoiceLinks.get(res.json().url.replace("https://t.me/$", ""))).toEqual(call!.params);
    });
  });

  describe("errors", () => {
    it("an order that is no longer pending → 409 orders.not_pending, and no invoice is made", async () => {
      const { order, headers } = await pendingOrder(person().id);
      await t.ctx().app.inject({ method: "POST", url: `/api/v1/orders/${order.id}/cancel`, headers });
      const res = await checkout(order.id, headers);
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("orders.not_pending");
      expect(t.api.callsOf("createInvoiceLink")).toHaveLength(0);
    });

    it("an auto-renewing order of more than a month cannot renew with Stars → 409 subscriptions.stars_monthly_only", async () => {
      const { order, headers } = await pendingOrder(person().id, { renewal: "auto" });
      const res = await checkout(order.id, headers);
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("subscriptions.stars_monthly_only");
      expect(t.api.callsOf("createInvoiceLink")).toHaveLength(0);
    });

    it("Telegram refusing the invoice → 502 payments.provider_failed", async () => {
      const { order, headers } = await pendingOrder(person().id);
      t.api.failNext("createInvoiceLink", 400, "Bad Request: CURRENCY_TOTAL_AMOUNT_INVALID");
      const res = await checkout(order.id, headers);
      expect(res.statusCode).toBe(502);
      expect(res.json().code).toBe("payments.provider_failed");
    });
  });

  describe("security", () => {
    it("someone else's order → 404, and no invoice is made", async () => {
      const { order } = await pendingOrder(person().id);
      const other = await createUser(t.ctx().deps);
      const res = await checkout(order.id, other.headers);
      expect(res.statusCode).toBe(404);
      expect(t.api.callsOf("createInvoiceLink")).toHaveLength(0);
    });
  });
});

describe("Stars checkout without a bot token", () => {
  const ctx = useTestApp();

  it("→ 503 payments.provider_unavailable", async () => {
    await ctx().deps.catalog.seedDefaultCatalog();
    const tierId = (await ctx().deps.catalog.view()).categories[0]!.products[0]!.tiers[0]!.id;
    const { headers } = await createUser(ctx().deps);
    const order = await ctx().app.inject({
      method: "POST",
      url: "/api/v1/orders",
      headers,
      payload: { tierId, months: 1 },
    });
    const res = await ctx().app.inject({
      method: "POST",
      url: `/api/v1/orders/${order.json().id}/checkout`,
      headers,
      payload: { provider: "stars" },
    });
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("payments.provider_unavailable");
  });
});
