import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeStripe, signedWebhook } from "../../../test/fakes/stripe";
import { type Person, person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { DAY_MS } from "../entitlements/entitlements.models";

type Json = Record<string, unknown>;

describe("auto-renewal in the bot (API.md §13)", () => {
  const stripe = new FakeStripe();
  beforeAll(() => stripe.start());
  afterAll(() => stripe.stop());
  beforeEach(() => stripe.reset());
  const t = useTelegramApp({}, () => stripe.env());

  const nowSeconds = () => Math.floor(t.ctx().clock.now().getTime() / 1000);
  async function deliver(event: Json) {
    const { payload, headers } = signedWebhook(event, { timestamp: nowSeconds() });
    const res = await t
      .ctx()
      .app.inject({ method: "POST", url: "/api/v1/webhooks/stripe", headers, payload });
    expect(res.statusCode).toBe(200);
    // What the webhook queued for the buyer reaches the chat.
    await t.telegram().flushNotifications();
    await t.telegram().sender.drain();
    return res.json().result as string;
  }

  /** A person who bought Premium for a month with auto-renewal by card, paid and told. */
  async function subscriber(p: Person = person()) {
    const { premium } = await t.tiers();
    await t.send(updates.message(p, "/start"));
    const user = await t.userOf(p);
    const order = await t
      .ctx()
      .deps.orders.create({ id: user.id, region: null }, { tierId: premium.id, months: 1, renewal: "auto" });
    const { sessionId } = await t.ctx().deps.payments.checkout(user.id, order.id);
    expect(
      await deliver(stripe.sessionEvent("checkout.session.completed", sessionId, {}, nowSeconds())),
    ).toBe("paid");
    const [sub] = await t.ctx().deps.subscriptions.listOwn(user.id);
    return { p, user, order, sub: sub!, stripeSub: stripe.subscriptionOf(sessionId) };
  }

  const pressButton = async (p: Person, data: string) => t.send(updates.callback(p, data));
  const buttonData = (p: Person) => t.lastButtons(p.id).map((b) => b.callback_data);

  it("the first payment says the plan renews by itself, and /status shows it with a cancel button", async () => {
    const { p, sub } = await subscriber();
    const paid = t
      .callsTo(p.id, "sendMessage")
      .map((c) => String(c.params.text))
      .find((text) => text.includes("Payment received"));
    expect(paid).toContain("It renews automatically each period; manage it in /status.");
    await t.send(updates.message(p, "/status"));
    expect(t.lastText(p.id)).toContain("<b>Auto-renewal</b>");
    expect(t.lastText(p.id)).toMatch(/• Premium: .+ every month, next charge on /);
    expect(buttonData(p)).toContain(`sub:c:${sub.id}`);
    expect(buttonData(p)).toContain("sub:card");
  });

  it("cancel asks first and says what the person keeps; confirming stops the renewal at Stripe; resume turns it back on", async () => {
    const { p, user, sub, stripeSub } = await subscriber();
    await pressButton(p, `sub:c:${sub.id}`);
    expect(t.lastText(p.id)).toContain("Stop auto-renewal of <b>Premium</b>");
    expect(t.lastText(p.id)).toContain("You will not be charged again. Your plan stays active until");
    expect(buttonData(p)).toEqual([`sub:cy:${sub.id}`, "sub:keep"]);
    // Asking changes nothing yet.
    expect(stripeSub.cancel_at_period_end).toBe(false);

    await pressButton(p, `sub:cy:${sub.id}`);
    expect(stripeSub.cancel_at_period_end).toBe(true);
    const edited = t.callsTo(p.id, "editMessageText").at(-1)!;
    expect(String(edited.params.text)).toContain("Auto-renewal of <b>Premium</b> is off");
    expect(t.buttonsOf(edited).map((b) => b.callback_data)).toEqual([`sub:re:${sub.id}`]);
    expect((await t.ctx().deps.subscriptions.listOwn(user.id))[0]).toMatchObject({
      status: "cancelled",
      cancelAtPeriodEnd: true,
    });

    await t.send(updates.message(p, "/status"));
    expect(t.lastText(p.id)).toContain("auto-renewal off, the plan ends on");
    expect(buttonData(p)).toContain(`sub:r:${sub.id}`);

    await pressButton(p, `sub:re:${sub.id}`);
    expect(stripeSub.cancel_at_period_end).toBe(false);
    expect(String(t.callsTo(p.id, "editMessageText").at(-1)!.params.text)).toContain(
      "Auto-renewal of <b>Premium</b> is back on",
    );
  });

  it("“No, keep it” changes nothing and removes the question's buttons", async () => {
    const { p, sub, stripeSub } = await subscriber();
    await pressButton(p, `sub:c:${sub.id}`);
    await pressButton(p, "sub:keep");
    const edited = t.callsTo(p.id, "editMessageText").at(-1)!;
    expect(String(edited.params.text)).toContain("Nothing changed");
    expect(t.buttonsOf(edited)).toEqual([]);
    expect(stripeSub.cancel_at_period_end).toBe(false);
    expect(stripe.callsTo(`/v1/subscriptions/${stripeSub.id}`)).toHaveLength(0);
  });

  it("a failed renewal tells the person, with a button that opens a fresh card-portal link", async () => {
    const { p, stripeSub } = await subscriber();
    t.ctx().clock.advance(30 * DAY_MS - 60_000);
    const renewal = stripe.renewalInvoice(stripeSub.id as string, nowSeconds());
    expect(
      await deliver(stripe.invoiceEvent("invoice.payment_failed", renewal.id as string, nowSeconds())),
    ).toBe("past_due");
    expect(t.lastText(p.id)).toContain(
      "We could not renew your <b>Premium</b> plan: the card payment failed",
    );
    expect(buttonData(p)).toEqual(["sub:card", "menu:status"]);

    await pressButton(p, "sub:card");
    const portal = stripe.portalSessions.at(-1)!;
    expect(portal.customer).toBe(stripeSub.customer);
    expect(t.lastButtons(p.id)).toEqual([{ text: "Open the card page", url: portal.url }]);
    // Each press makes a new session: the links are short-lived.
    await pressButton(p, "sub:card");
    expect(stripe.portalSessions).toHaveLength(2);
  });

  it("a paid renewal says the plan renewed", async () => {
    const { p, stripeSub } = await subscriber();
    const renewal = stripe.renewalInvoice(stripeSub.id as string, nowSeconds());
    expect(await deliver(stripe.invoiceEvent("invoice.paid", renewal.id as string, nowSeconds()))).toBe(
      "renewed",
    );
    expect(t.lastText(p.id)).toContain("🔁 <b>Your plan renewed</b>: Premium");
    expect(t.lastText(p.id)).not.toContain("renews automatically");
  });

  it("speaks Spanish and Russian too", async () => {
    const ana = person({ language_code: "es" });
    const { sub } = await subscriber(ana);
    await pressButton(ana, `sub:c:${sub.id}`);
    expect(t.lastText(ana.id)).toContain("¿Detener la renovación automática de <b>Premium</b>");
    const ivan = person({ language_code: "ru" });
    await subscriber(ivan);
    await t.send(updates.message(ivan, "/status"));
    expect(t.lastText(ivan.id)).toContain("<b>Автопродление</b>");
    expect(t.lastText(ivan.id)).toContain("каждый месяц, следующее списание");
  });

  it("someone else's subscription is refused, and the card button without a card subscription explains", async () => {
    const { sub } = await subscriber();
    const mallory = person();
    await t.send(updates.message(mallory, "/start"));
    await pressButton(mallory, `sub:cy:${sub.id}`);
    expect(t.callbackAnswers().at(-1)).toBe("That subscription does not exist (or is not yours).");
    await pressButton(mallory, "sub:card");
    expect(t.callbackAnswers().at(-1)).toBe("You have no card subscription to manage.");
    expect(stripe.portalSessions).toHaveLength(0);
  });
});
