import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { TEST_BOT_TOKEN } from "../../../test/support/config";
import { signInitData } from "../auth/auth.models";
import { DAY_MS } from "./affiliates.models";

const ADMIN_TELEGRAM_ID = 424_242;

describe("the affiliate program end to end over HTTP", () => {
  const ctx = useTestApp({
    env: {
      TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
      TELEGRAM_BOT_USERNAME: "DeskBot",
      ADMIN_TELEGRAM_IDS: String(ADMIN_TELEGRAM_ID),
    },
  });

  async function call(method: "GET" | "POST", url: string, token?: string, payload?: object, extra = {}) {
    const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
    return ctx().app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  }

  /** Signs in through the Mini App endpoint exactly as a client does, with a fresh initData. */
  async function signIn(telegramId: number, ref?: string) {
    const initData = signInitData(
      {
        user: JSON.stringify({ id: telegramId, first_name: `User ${telegramId}` }),
        auth_date: String(Math.floor(ctx().clock.now().getTime() / 1000)),
      },
      TEST_BOT_TOKEN,
    );
    const res = await call("POST", "/api/v1/auth/telegram", undefined, { initData, ...(ref ? { ref } : {}) });
    expect(res.statusCode).toBe(200);
    return res.json() as { accessToken: string; user: { id: string; referredBy: string | null } };
  }

  it("affiliate registers → referral signs up with the code → buys at a discount → paid → pending → 30 days → available → payout → admin completes", async () => {
    await ctx().deps.catalog.seedDefaultCatalog();
    const catalog = (await call("GET", "/api/v1/catalog")).json();
    const enterprise = catalog.categories[0].products[0].tiers.find(
      (t: { level: string }) => t.level === "enterprise",
    );

    const affiliateLogin = await signIn(1001);
    const registered = await call("POST", "/api/v1/affiliates", affiliateLogin.accessToken);
    expect(registered.statusCode).toBe(201);
    const { code, links } = registered.json();
    expect(links.telegram).toBe(`https://t.me/DeskBot?start=ref_${code}`);

    const buyer = await signIn(2002, code);
    expect(buyer.user.referredBy).toBe(code);

    const quote = await call(
      "GET",
      `/api/v1/quotes?tierId=${enterprise.id}&months=12&region=GB`,
      buyer.accessToken,
    );
    // £199 × 12 = 238800; −10 % affiliate = 214920; −20 % volume = 171936.
    expect(quote.json().lines).toEqual([
      { code: "base", amountMinor: 238_800 },
      { code: "affiliate_discount", amountMinor: -23_880 },
      { code: "volume_discount", amountMinor: -42_984 },
    ]);
    const order = await call("POST", "/api/v1/orders", buyer.accessToken, {
      tierId: enterprise.id,
      months: 12,
      region: "GB",
    });
    expect(order.statusCode).toBe(201);
    expect(order.json().totalMinor).toBe(171_936);

    const admin = await signIn(ADMIN_TELEGRAM_ID);
    const paid = await call("POST", `/api/v1/admin/orders/${order.json().id}/mark-paid`, admin.accessToken, {
      reference: "bank transfer 42",
    });
    expect(paid.statusCode).toBe(200);

    const commission = 17_194; // round(171936 × 10 %)
    let me = await call("GET", "/api/v1/affiliates/me", affiliateLogin.accessToken);
    expect(me.json().stats).toMatchObject({
      referrals: 1,
      conversions: 1,
      pendingMinor: commission,
      availableMinor: 0,
      currency: "GBP",
    });
    const early = await call("POST", "/api/v1/affiliates/me/payouts", affiliateLogin.accessToken, {
      amountMinor: commission,
    });
    expect(early.json().code).toBe("affiliates.insufficient_balance");

    ctx().clock.advance(30 * DAY_MS);
    const affiliate = await signIn(1001);
    me = await call("GET", "/api/v1/affiliates/me", affiliate.accessToken);
    expect(me.json().stats).toMatchObject({ pendingMinor: 0, availableMinor: commission });

    const payout = await call(
      "POST",
      "/api/v1/affiliates/me/payouts",
      affiliate.accessToken,
      { amountMinor: commission },
      { "idempotency-key": "cash-out-1" },
    );
    expect(payout.statusCode).toBe(201);
    expect(payout.json()).toMatchObject({ amountMinor: commission, status: "requested" });

    const adminAgain = await signIn(ADMIN_TELEGRAM_ID);
    const queue = await call("GET", "/api/v1/admin/payouts?status=requested", adminAgain.accessToken);
    expect(queue.json().items.map((p: { id: string }) => p.id)).toEqual([payout.json().id]);
    const approved = await call(
      "POST",
      `/api/v1/admin/payouts/${payout.json().id}/approve`,
      adminAgain.accessToken,
    );
    expect(approved.json()).toMatchObject({ status: "requested", heldForReview: true });
    const done = await call(
      "POST",
      `/api/v1/admin/payouts/${payout.json().id}/complete`,
      adminAgain.accessToken,
      {
        reference: "BACS 2027-01-01",
      },
    );
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: "paid", reference: "BACS 2027-01-01" });

    me = await call("GET", "/api/v1/affiliates/me", affiliate.accessToken);
    expect(me.json().stats).toMatchObject({ availableMinor: 0, requestedMinor: 0, paidMinor: commission });
    const ledger = await call("GET", "/api/v1/affiliates/me/commissions", affiliate.accessToken);
    expect(ledger.json().items).toMatchObject([
      { orderId: order.json().id, amountMinor: commission, rateBps: 1000, status: "paid" },
    ]);
    const mine = await call("GET", "/api/v1/affiliates/me/payouts", affiliate.accessToken);
    expect(mine.json().items).toMatchObject([{ id: payout.json().id, status: "paid" }]);
  });
});
