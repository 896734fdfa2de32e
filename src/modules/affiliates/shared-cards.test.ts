import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { FakeStripe, signedWebhook } from "../../../test/fakes/stripe";
import { useTestApp } from "../../../test/support/app";
import { createUser, newAffiliate, premiumTierId, signUpWith } from "../../../test/support/factories";
import { paymentCards } from "../payments/payments.table";

const stripe = await new FakeStripe().start();
afterAll(() => stripe.stop());
beforeEach(() => stripe.reset());

type Json = Record<string, unknown>;
const CARD = "Xt5EWLLDS7FJjR1c";

describe("fraud flag shared_card (issue 17: a referral paying with the referrer's card)", () => {
  const ctx = useTestApp({ env: stripe.env() });
  const nowSeconds = () => Math.floor(ctx().clock.now().getTime() / 1000);

  const deliver = async (event: Json) => {
    const { payload, headers } = signedWebhook(event, { timestamp: nowSeconds() });
    const res = await ctx().app.inject({ method: "POST", url: "/api/v1/webhooks/stripe", headers, payload });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().result as string;
  };

  /** An order checked out at the fake Stripe, in one-off (`none`) or subscription (`auto`) mode. */
  async function checkedOut(userId: string, renewal: "none" | "auto" = "none") {
    const { deps } = ctx();
    const order = await deps.orders.create(
      { id: userId, region: null },
      { tierId: await premiumTierId(deps), months: 1, renewal },
    );
    return (await deps.payments.checkout(userId, order.id)).sessionId;
  }

  /** The user pays a one-off order with the card, through Stripe's checkout.session.completed. */
  async function paysWith(userId: string, card: string) {
    const sessionId = await checkedOut(userId);
    stripe.payWithCard(card);
    expect(
      await deliver(stripe.sessionEvent("checkout.session.completed", sessionId, {}, nowSeconds())),
    ).toBe("paid");
  }

  const flags = async () => (await ctx().deps.affiliates.admin.listFlags({ limit: 100, cursor: null })).items;
  const cardsOf = async (userId: string) =>
    (await ctx().deps.db.select().from(paymentCards)).filter((c) => c.userId === userId);

  async function referralPair() {
    const affiliate = await newAffiliate(ctx().deps);
    const referral = await signUpWith(ctx().deps, affiliate.code);
    return { affiliate, referral };
  }

  it("flags a referral who pays with the referrer's card, once, for the admin to review", async () => {
    const { affiliate, referral } = await referralPair();
    await paysWith(affiliate.user.id, CARD);
    expect(await flags()).toEqual([]);
    await paysWith(referral.user.id, CARD);
    await paysWith(referral.user.id, CARD);
    expect(await flags()).toEqual([
      expect.objectContaining({
        reason: "shared_card",
        status: "open",
        affiliate: expect.objectContaining({ code: affiliate.code, userId: affiliate.user.id }),
        subject: { userId: referral.user.id, referralId: expect.any(String) },
        details: { fingerprint: CARD, orderId: expect.any(String), payerUserId: referral.user.id },
      }),
    ]);
    const admin = await createUser(ctx().deps, { admin: true });
    const queue = await ctx().app.inject({
      method: "GET",
      url: "/api/v1/admin/affiliates/flags?status=open",
      headers: admin.headers,
    });
    expect(queue.statusCode).toBe(200);
    expect(queue.json().items.map((f: { reason: string }) => f.reason)).toEqual(["shared_card"]);
    expect(await cardsOf(referral.user.id)).toEqual([expect.objectContaining({ fingerprint: CARD })]);
  });

  it("flags the referral when the referrer pays second with a card the referral used", async () => {
    const { affiliate, referral } = await referralPair();
    await paysWith(referral.user.id, CARD);
    expect(await flags()).toEqual([]);
    await paysWith(affiliate.user.id, CARD);
    expect(await flags()).toEqual([
      expect.objectContaining({
        reason: "shared_card",
        subject: { userId: referral.user.id, referralId: expect.any(String) },
        details: expect.objectContaining({ fingerprint: CARD, payerUserId: affiliate.user.id }),
      }),
    ]);
  });

  it("learns the card of a subscription's invoices: a referral's renewal with the referrer's card is flagged", async () => {
    const { affiliate, referral } = await referralPair();
    await paysWith(affiliate.user.id, CARD);
    const sessionId = await checkedOut(referral.user.id, "auto");
    stripe.payWithCard("OtherCard0000001");
    expect(
      await deliver(stripe.sessionEvent("checkout.session.completed", sessionId, {}, nowSeconds())),
    ).toBe("paid");
    const first = stripe.sessions.get(sessionId)!.invoice as string;
    expect(await deliver(stripe.invoiceEvent("invoice.paid", first, nowSeconds()))).toBe("duplicate");
    expect(await flags()).toEqual([]);
    stripe.payWithCard(CARD);
    const renewal = stripe.renewalInvoice(stripe.subscriptionOf(sessionId).id as string, nowSeconds());
    expect(await deliver(stripe.invoiceEvent("invoice.paid", renewal.id as string, nowSeconds()))).toBe(
      "renewed",
    );
    expect((await flags()).map((f) => [f.reason, f.subject.userId])).toEqual([
      ["shared_card", referral.user.id],
    ]);
    expect((await cardsOf(referral.user.id)).map((c) => c.fingerprint).sort()).toEqual(
      [CARD, "OtherCard0000001"].sort(),
    );
  });

  it("raises nothing for different cards, nor for the same card between users no referral links", async () => {
    const { affiliate, referral } = await referralPair();
    const stranger = await createUser(ctx().deps);
    await paysWith(affiliate.user.id, CARD);
    await paysWith(referral.user.id, "AnotherCard00001");
    await paysWith(stranger.user.id, CARD);
    expect(await flags()).toEqual([]);
  });

  it("keeps a flag an admin cleared cleared when the same card pays again", async () => {
    const { affiliate, referral } = await referralPair();
    await paysWith(affiliate.user.id, CARD);
    await paysWith(referral.user.id, CARD);
    const [flag] = await flags();
    const admin = await createUser(ctx().deps, { admin: true });
    await ctx().deps.affiliates.admin.clearFlag({ id: admin.user.id }, flag!.id, "the same household");
    await paysWith(affiliate.user.id, CARD);
    await paysWith(referral.user.id, CARD);
    expect((await flags()).map((f) => f.status)).toEqual(["cleared"]);
  });

  it("settles the payment without a card or a flag when Stripe does not answer for the card", async () => {
    const { affiliate, referral } = await referralPair();
    await paysWith(affiliate.user.id, CARD);
    const sessionId = await checkedOut(referral.user.id);
    stripe.payWithCard(CARD);
    stripe.failNext(500);
    expect(
      await deliver(stripe.sessionEvent("checkout.session.completed", sessionId, {}, nowSeconds())),
    ).toBe("paid");
    expect(stripe.calls.at(-1)!.path).toMatch(/^\/v1\/payment_intents\//);
    expect(await cardsOf(referral.user.id)).toEqual([]);
    expect(await flags()).toEqual([]);
    expect(await ctx().deps.entitlements.tierOf(referral.user.id)).toBe("premium");
  });

  it("flags once when the referral and the referrer pay with the card at the same moment", async () => {
    const { affiliate, referral } = await referralPair();
    const [theirs, mine] = [await checkedOut(affiliate.user.id), await checkedOut(referral.user.id)];
    stripe.payWithCard(CARD);
    const events = [theirs, mine].map((s) =>
      stripe.sessionEvent("checkout.session.completed", s, {}, nowSeconds()),
    );
    expect(await Promise.all(events.map(deliver))).toEqual(["paid", "paid"]);
    expect((await flags()).map((f) => [f.reason, f.subject.userId])).toEqual([
      ["shared_card", referral.user.id],
    ]);
  });
});
