import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import {
  affiliateWithSales,
  buy,
  newAffiliate,
  payOut,
  refund,
  signUpWith,
  stats,
  TWELVE_MONTH_COMMISSION,
} from "../../../test/support/factories";
import { DAY_MS } from "./affiliates.models";

const commissionsOf = (ctx: ReturnType<ReturnType<typeof useTestApp>>, userId: string) =>
  ctx.deps.affiliates.commissions(userId, { limit: 100, cursor: null }).then((p) => p.items);

describe("commissions on paid orders", () => {
  const ctx = useTestApp();

  it("a referred user's paid order earns a pending bronze commission in the same transaction", async () => {
    const { deps } = ctx();
    const { user, sales } = await affiliateWithSales(deps, 1);
    const [entry] = await commissionsOf(ctx(), user.id);
    expect(entry).toMatchObject({
      orderId: sales[0]!.id,
      kind: "commission",
      amountMinor: TWELVE_MONTH_COMMISSION,
      currency: "GBP",
      rateBps: 1000,
      tier: "bronze",
      status: "pending",
      availableAt: new Date(sales[0]!.paidAt!.getTime() + 30 * DAY_MS).toISOString(),
    });
    expect(entry).not.toHaveProperty("userId");
    expect(await stats(deps, user.id)).toMatchObject({ referrals: 1, conversions: 1, pendingMinor: 2506 });
  });

  it("the base is the order total converted back to GBP at the order's locked rate", async () => {
    const { deps } = ctx();
    const { code, user } = await newAffiliate(deps);
    const buyer = await signUpWith(deps, code);
    // SPEC.md's example: £29 × 12 in EUR, referred → €299.02; 29902 / 1.17 = 25557.26 → 25557.
    const order = await buy(deps, buyer.user.id, { months: 12, region: "EU" });
    expect([order.totalMinor, order.currency, order.fxRate]).toEqual([29_902, "EUR", "1.17"]);
    const [entry] = await commissionsOf(ctx(), user.id);
    expect(entry!.amountMinor).toBe(2556);
  });

  it("a payment that fails after its commission was written leaves neither behind", async () => {
    const { deps } = ctx();
    const { code, user } = await newAffiliate(deps);
    const buyer = await signUpWith(deps, code);
    deps.events.inTransaction("orders.paid", async () => {
      throw new Error("a later step of the payment failed");
    });
    await expect(buy(deps, buyer.user.id)).rejects.toThrow("a later step of the payment failed");
    expect(await commissionsOf(ctx(), user.id)).toEqual([]);
    expect((await stats(deps, user.id)).conversions).toBe(0);
  });

  it("orders of users who arrived without a code earn nothing", async () => {
    const { deps } = ctx();
    const { user } = await newAffiliate(deps);
    const stranger = await signUpWith(deps, null);
    await buy(deps, stranger.user.id);
    expect(await commissionsOf(ctx(), user.id)).toEqual([]);
  });

  it("every paid order in the twelve months earns, and one paid after them does not (the buyer still counts as converted)", async () => {
    const { deps, clock } = ctx();
    const { code, user } = await newAffiliate(deps);
    const buyer = await signUpWith(deps, code);
    await buy(deps, buyer.user.id);
    clock.advance(364 * DAY_MS);
    await buy(deps, buyer.user.id);
    clock.advance(2 * DAY_MS);
    await buy(deps, buyer.user.id);
    expect(await commissionsOf(ctx(), user.id)).toHaveLength(2);
    expect((await stats(deps, user.id)).conversions).toBe(1);
  });

  it("a commission is pending for 30 days and available from the instant the hold ends", async () => {
    const { deps, clock } = ctx();
    const { user, sales } = await affiliateWithSales(deps, 1);
    clock.set(new Date(sales[0]!.paidAt!.getTime() + 30 * DAY_MS - 1));
    expect(await stats(deps, user.id)).toMatchObject({ pendingMinor: 2506, availableMinor: 0 });
    clock.advance(1);
    expect(await stats(deps, user.id)).toMatchObject({ pendingMinor: 0, availableMinor: 2506 });
    expect((await commissionsOf(ctx(), user.id))[0]!.status).toBe("available");
  });

  it("an orders hook run twice for one order records one commission", async () => {
    const { deps } = ctx();
    const { user, sales } = await affiliateWithSales(deps, 1);
    await deps.db.transaction((tx) => deps.affiliates.recordCommission(tx, sales[0]!));
    expect(await commissionsOf(ctx(), user.id)).toHaveLength(1);
    expect((await stats(deps, user.id)).conversions).toBe(1);
  });

  it("counts recorded commissions in affiliate_commissions_total by status", async () => {
    const { deps } = ctx();
    const { sales } = await affiliateWithSales(deps, 2);
    await refund(deps, sales[0]!.id);
    const text = await deps.metrics.registry.metrics();
    expect(text).toContain('affiliate_commissions_total{status="pending"} 2');
    expect(text).toContain('affiliate_commissions_total{status="reversed"} 1');
  });
});

describe("tiers at their edges", () => {
  const ctx = useTestApp();

  it("the rate of each sale follows the converted referrals before it: 9→10 %, 10→15 %, 24→15 %, 25→20 %, 49→20 %, 50→25 %", async () => {
    const { deps } = ctx();
    const { code, user } = await newAffiliate(deps);
    const rates = new Map<number, number>();
    for (let converted = 0; converted <= 50; converted++) {
      const buyer = await signUpWith(deps, code);
      const order = await buy(deps, buyer.user.id);
      const [entry] = (await commissionsOf(ctx(), user.id)).filter((c) => c.orderId === order.id);
      rates.set(converted, entry!.rateBps);
    }
    expect([9, 10, 24, 25, 49, 50].map((n) => rates.get(n))).toEqual([1000, 1500, 1500, 2000, 2000, 2500]);
    expect(await deps.affiliates.view(user.id)).toMatchObject({ tier: "platinum", rateBps: 2500 });
  }, 120_000);

  it("a second order from an already converted referral does not move the tier", async () => {
    const { deps } = ctx();
    const { code, user } = await newAffiliate(deps);
    const buyer = await signUpWith(deps, code);
    for (let i = 0; i < 3; i++) await buy(deps, buyer.user.id);
    expect((await stats(deps, user.id)).conversions).toBe(1);
  });

  it("a refunded referral stops counting as converted", async () => {
    const { deps } = ctx();
    const { user, sales } = await affiliateWithSales(deps, 2);
    await refund(deps, sales[0]!.id);
    expect((await stats(deps, user.id)).conversions).toBe(1);
  });
});

describe("tiers from configuration", () => {
  const ctx = useTestApp({
    env: { AFFILIATE_TIER_THRESHOLDS: "1,2,3", AFFILIATE_TIER_RATES_BPS: "100,200,300,400" },
  });

  it("AFFILIATE_TIER_THRESHOLDS and AFFILIATE_TIER_RATES_BPS set the schedule", async () => {
    const { deps } = ctx();
    const { code, user } = await newAffiliate(deps);
    for (let i = 0; i < 4; i++) await buy(deps, (await signUpWith(deps, code)).user.id);
    const rates = (await commissionsOf(ctx(), user.id)).map((c) => c.rateBps).sort();
    expect(rates).toEqual([100, 200, 300, 400]);
  });
});

describe("refunds", () => {
  const ctx = useTestApp();

  it("a refund before the commission is paid reverses it and it leaves every balance", async () => {
    const { deps } = ctx();
    const { user, sales } = await affiliateWithSales(deps, 1);
    await refund(deps, sales[0]!.id);
    const [entry] = await commissionsOf(ctx(), user.id);
    expect(entry).toMatchObject({ status: "reversed", amountMinor: 2506 });
    expect(await stats(deps, user.id)).toMatchObject({ pendingMinor: 0, availableMinor: 0, paidMinor: 0 });
  });

  it("a refund after the commission was paid out adds a negative clawback, netted from the next payout", async () => {
    const { deps, clock } = ctx();
    const { user, code, sales } = await affiliateWithSales(deps, 3);
    clock.advance(30 * DAY_MS);
    await payOut(deps, user.id, 5012);
    await refund(deps, sales[0]!.id);

    const entries = await commissionsOf(ctx(), user.id);
    expect(entries.filter((e) => e.kind === "clawback")).toMatchObject([
      { orderId: sales[0]!.id, amountMinor: -2506, status: "available" },
    ]);
    expect(entries.find((e) => e.orderId === sales[0]!.id && e.kind === "commission")!.status).toBe("paid");
    expect(await stats(deps, user.id)).toMatchObject({ availableMinor: 0, owedMinor: 0, paidMinor: 5012 });

    // The third sale's 2506 less the 2506 clawed back leaves nothing to pay; a fourth sale pays off.
    for (let i = 0; i < 3; i++) await buy(deps, (await signUpWith(deps, code)).user.id, { months: 12 });
    clock.advance(30 * DAY_MS);
    expect((await stats(deps, user.id)).availableMinor).toBe(3 * 2506);
  });

  it("a clawback larger than what is available shows as owed, never as a negative balance", async () => {
    const { deps, clock } = ctx();
    const { user, sales } = await affiliateWithSales(deps, 2);
    clock.advance(30 * DAY_MS);
    await payOut(deps, user.id, 5012);
    await refund(deps, sales[1]!.id);
    expect(await stats(deps, user.id)).toMatchObject({ availableMinor: 0, owedMinor: 2506, paidMinor: 5012 });
  });

  it("a refund of an order partly paid out reverses the open part and claws back the paid part", async () => {
    const { deps, clock } = ctx();
    const { user, sales } = await affiliateWithSales(deps, 3);
    clock.advance(30 * DAY_MS);
    await payOut(deps, user.id, 5000);
    const split = (await commissionsOf(ctx(), user.id)).filter((e) => e.amountMinor === 12);
    // Oldest first: the first sale is paid whole, the second split 2494 paid + 12 open.
    const order = sales[1]!.id;
    expect(split.map((e) => e.orderId)).toEqual([order]);
    await refund(deps, order);
    const forOrder = (await commissionsOf(ctx(), user.id)).filter((e) => e.orderId === order);
    expect(forOrder.map((e) => [e.kind, e.amountMinor, e.status]).sort()).toEqual([
      ["clawback", -2494, "available"],
      ["commission", 12, "reversed"],
      ["commission", 2494, "paid"],
    ]);
    expect(await stats(deps, user.id)).toMatchObject({ availableMinor: 12, paidMinor: 5000 });
  });

  it("refunding the same order twice changes nothing the second time", async () => {
    const { deps, clock } = ctx();
    const { user, sales } = await affiliateWithSales(deps, 2);
    clock.advance(30 * DAY_MS);
    await payOut(deps, user.id, 5012);
    await refund(deps, sales[0]!.id);
    await deps.db.transaction((tx) => deps.affiliates.reverseForRefund(tx, sales[0]!));
    expect((await commissionsOf(ctx(), user.id)).filter((e) => e.kind === "clawback")).toHaveLength(1);
  });
});

describe("the ledger is append-only", () => {
  const ctx = useTestApp();

  it("the database refuses deletes, amount changes and paying an entry twice", async () => {
    const { deps, database } = ctx();
    await affiliateWithSales(deps, 1);
    await expect(database.query("delete from affiliate_commissions")).rejects.toThrow(/append-only/);
    await expect(database.query("update affiliate_commissions set amount_minor = 1")).rejects.toThrow(
      /append-only/,
    );
    await expect(
      database.query("update affiliate_commissions set status = 'reversed', reversal_reason = 'refund'"),
    ).resolves.toBeDefined();
    await expect(
      database.query("update affiliate_commissions set status = 'open', reversal_reason = null"),
    ).rejects.toThrow(/append-only/);
  });
});
