import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import {
  affiliateWithSales,
  buy,
  newAffiliate,
  payOut,
  premiumTierId,
  refund,
  signUpWith,
  stats,
  TWELVE_MONTH_COMMISSION,
} from "../../../test/support/factories";
import { auditLog } from "../audit/audit.table";
import { DAY_MS, PAYOUT_INTERVAL_MS } from "./affiliates.models";
import { affiliateCommissions } from "./affiliates.table";

const entriesIn = (ctx: Ctx) => ctx.deps.db.select().from(affiliateCommissions);

// Money rules of the commission ledger that mutation testing found unpinned (issue 20).

type Ctx = ReturnType<ReturnType<typeof useTestApp>>;

const commissionsOf = (ctx: Ctx, userId: string) =>
  ctx.deps.affiliates.commissions(userId, { limit: 100, cursor: null }).then((p) => p.items);

const payoutsOf = async (ctx: Ctx, userId: string) =>
  (await ctx.deps.affiliates.payouts.listOwn(userId, { limit: 100, cursor: null })).items;

/** Requests payouts of `amounts`, oldest first, spaced by the minimum interval. */
async function requestPayouts(ctx: Ctx, userId: string, amounts: number[]) {
  const ids = [];
  for (const amount of amounts) {
    ids.push((await ctx.deps.affiliates.requestPayout(userId, amount)).id);
    ctx.clock.advance(PAYOUT_INTERVAL_MS);
  }
  return ids;
}

describe("a refund against payouts already requested", () => {
  const ctx = useTestApp();

  it("rejects the newest requested payouts first, and only until the rest is covered", async () => {
    const { deps, clock } = ctx();
    // Six sales of 2506: 15,036 available once the hold is over.
    const { user, sales } = await affiliateWithSales(deps, 6);
    clock.advance(30 * DAY_MS);
    const [oldest, middle, newest] = await requestPayouts(ctx(), user.id, [5000, 5000, 5000]);
    // The refund takes 2506 back: 12,530 available covers two of the three requests.
    await refund(deps, sales[0]!.id);

    const byId = new Map((await payoutsOf(ctx(), user.id)).map((p) => [p.id, p]));
    expect(byId.get(oldest!)!.status).toBe("requested");
    expect(byId.get(middle!)!.status).toBe("requested");
    expect(byId.get(newest!)).toMatchObject({
      status: "rejected",
      rejectionReason: `The available balance fell below this request (refund of order ${sales[0]!.id})`,
    });
    expect(await stats(deps, user.id)).toMatchObject({ availableMinor: 12_530, requestedMinor: 10_000 });

    const audits = await deps.db.select().from(auditLog).where(eq(auditLog.subjectId, newest!));
    expect(audits.filter((a) => a.action !== "affiliates.payout_requested")).toMatchObject([
      {
        actorId: null,
        actorKind: "system",
        action: "affiliates.payout_rejected",
        subjectType: "affiliate_payout",
        data: { amountMinor: 5000 },
      },
    ]);
  });

  it("two requested payouts the balance still covers after a refund both stand", async () => {
    const { deps, clock } = ctx();
    // Five sales: 12,530 available; two requests of 5012 leave 2506 unrequested.
    const { user, sales } = await affiliateWithSales(deps, 5);
    clock.advance(30 * DAY_MS);
    await requestPayouts(ctx(), user.id, [5012, 5012]);
    await refund(deps, sales[4]!.id);

    const payouts = await payoutsOf(ctx(), user.id);
    expect(payouts.map((p) => p.status)).toEqual(["requested", "requested"]);
    expect(await stats(deps, user.id)).toMatchObject({ availableMinor: 10_024, requestedMinor: 10_024 });
  });

  it("a refund that leaves less than one request rejects the newest first, then the older one", async () => {
    const { deps, clock } = ctx();
    // Four sales: 10,024 available, requested in full by two payouts of 5012.
    const { user, sales } = await affiliateWithSales(deps, 4);
    clock.advance(30 * DAY_MS);
    const [older, newer] = await requestPayouts(ctx(), user.id, [5012, 5012]);

    await refund(deps, sales[0]!.id);
    let byId = new Map((await payoutsOf(ctx(), user.id)).map((p) => [p.id, p.status]));
    expect([byId.get(older!), byId.get(newer!)]).toEqual(["requested", "rejected"]);

    // 5012 left: still covered. Two more refunds leave 2506, under the older request too.
    await refund(deps, sales[1]!.id);
    byId = new Map((await payoutsOf(ctx(), user.id)).map((p) => [p.id, p.status]));
    expect([byId.get(older!), byId.get(newer!)]).toEqual(["requested", "rejected"]);
    await refund(deps, sales[2]!.id);
    byId = new Map((await payoutsOf(ctx(), user.id)).map((p) => [p.id, p.status]));
    expect([byId.get(older!), byId.get(newer!)]).toEqual(["rejected", "rejected"]);
    expect(await stats(deps, user.id)).toMatchObject({ availableMinor: 2506, requestedMinor: 0 });
  });

  it("a clawback that leaves the balance owed rejects every requested payout", async () => {
    const { deps, clock } = ctx();
    const admin = { id: "usr_admin" };
    const { user, sales } = await affiliateWithSales(deps, 4);
    clock.advance(30 * DAY_MS);
    const [paid] = await requestPayouts(ctx(), user.id, [5012]);
    await deps.affiliates.admin.approvePayout(admin, paid!);
    await deps.affiliates.admin.completePayout(admin, paid!, "bank-1");
    const [open] = await requestPayouts(ctx(), user.id, [5012]);
    // Two paid sales refunded: 5012 clawed back against the 5012 still open.
    await refund(deps, sales[0]!.id);
    await refund(deps, sales[1]!.id);
    const byId = new Map((await payoutsOf(ctx(), user.id)).map((p) => [p.id, p.status]));
    expect(byId.get(paid!)).toBe("paid");
    expect(byId.get(open!)).toBe("rejected");
  });
});

describe("a payment announced late", () => {
  const ctx = useTestApp();

  /** A pending 12-month order of `userId`, paid at `paidAt` but announced at the clock's time. */
  async function orderPaidLate(userId: string, paidAt: Date, announcedAfterMs: number) {
    const { deps, clock } = ctx();
    const order = await deps.orders.create(
      { id: userId, region: null },
      { tierId: await premiumTierId(deps), months: 12, region: "GB" },
    );
    clock.advance(announcedAfterMs);
    const outcome = await deps.orders.markOrderPaid({
      orderId: order.id,
      provider: "stripe",
      reference: `pi_${order.id}`,
      paidAt,
    });
    expect(outcome.result).toBe("paid");
    return outcome.result === "paid" ? outcome.order : undefined;
  }

  it("dates the order's payment and the commission's 30-day hold from when the buyer paid", async () => {
    const { deps, clock } = ctx();
    const { user, code } = await newAffiliate(deps);
    const buyer = await signUpWith(deps, code);
    const paidAt = new Date(clock.now().getTime() + 60_000);
    // Stripe redelivers for up to three days: the webhook lands two days after the payment.
    const order = await orderPaidLate(buyer.user.id, paidAt, 2 * DAY_MS);
    expect(order!.paidAt).toEqual(paidAt);

    const [entry] = await commissionsOf(ctx(), user.id);
    expect(entry!.availableAt).toBe(new Date(paidAt.getTime() + 30 * DAY_MS).toISOString());
    clock.set(new Date(paidAt.getTime() + 30 * DAY_MS));
    expect(await stats(deps, user.id)).toMatchObject({ availableMinor: TWELVE_MONTH_COMMISSION });
  });

  it("a payment made inside the 12-month window earns even when announced after it closed", async () => {
    const { deps, clock } = ctx();
    const { user, code } = await newAffiliate(deps);
    const buyer = await signUpWith(deps, code);
    const signupAt = clock.now();
    const windowEnd = new Date(signupAt);
    windowEnd.setUTCMonth(windowEnd.getUTCMonth() + 12);
    clock.set(new Date(windowEnd.getTime() - 2 * 60_000));
    await orderPaidLate(buyer.user.id, new Date(windowEnd.getTime() - 60_000), 2 * DAY_MS);
    expect(await commissionsOf(ctx(), user.id)).toHaveLength(1);
  });

  it("a payment dated later than it was announced is recorded at the announcement", async () => {
    const { deps, clock } = ctx();
    const buyer = await signUpWith(deps, null);
    const now = clock.now();
    const order = await orderPaidLate(buyer.user.id, new Date(now.getTime() + 3_600_000), 0);
    expect(order!.paidAt).toEqual(now);
  });
});

describe("commissions that come to nothing", () => {
  // A schedule whose bronze rate is 0 %: a first sale earns nothing.
  const ctx = useTestApp({ env: { AFFILIATE_TIER_RATES_BPS: "0,1500,2000,2500" } });

  it("writes no zero commission row, while the sale still counts as a conversion", async () => {
    const { deps } = ctx();
    const { user, code } = await newAffiliate(deps);
    await buy(deps, (await signUpWith(deps, code)).user.id, { months: 12 });
    const rows = await deps.db.select().from(affiliateCommissions);
    expect(rows).toEqual([]);
    expect(await commissionsOf(ctx(), user.id)).toEqual([]);
    expect((await stats(deps, user.id)).conversions).toBe(1);
  });
});

describe("what the ledger records and counts", () => {
  const ctx = useTestApp();
  const metricsText = () => ctx().deps.metrics.registry.metrics();

  it("a commission row names its order's total, currency and rate, and its id is com_", async () => {
    const { deps } = ctx();
    const { sales } = await affiliateWithSales(deps, 1);
    const [entry] = await entriesIn(ctx());
    expect(entry!.id).toMatch(/^com_/);
    expect(entry!.details).toEqual({
      orderTotalMinor: sales[0]!.totalMinor,
      orderCurrency: sales[0]!.currency,
      fxRate: sales[0]!.fxRate,
    });
  });

  it("the orders hook run again for a recorded order counts nothing more", async () => {
    const { deps } = ctx();
    const { sales } = await affiliateWithSales(deps, 1);
    await deps.db.transaction((tx) => deps.affiliates.recordCommission(tx, sales[0]!));
    expect(await metricsText()).toContain('affiliate_commissions_total{status="pending"} 1');
  });

  it("a refund of an open sale reverses it with the reason refund, and counts the reversal", async () => {
    const { deps } = ctx();
    const { sales } = await affiliateWithSales(deps, 2);
    await refund(deps, sales[0]!.id);
    const reversed = (await entriesIn(ctx())).filter((e) => e.status === "reversed");
    expect(reversed.map((e) => [e.orderId, e.reversalReason])).toEqual([[sales[0]!.id, "refund"]]);
    expect(await metricsText()).toContain('affiliate_commissions_total{status="reversed"} 1');
  });

  it("a refund of a paid-out sale claws it back once: com_, naming what it claws back, counted once, nothing reversed", async () => {
    const { deps, clock } = ctx();
    const { user, sales } = await affiliateWithSales(deps, 2);
    clock.advance(30 * DAY_MS);
    await payOut(deps, user.id, 5012);
    await refund(deps, sales[0]!.id);
    // The refund hook again (a redelivered event): the clawback exists once and counts once.
    await deps.db.transaction((tx) => deps.affiliates.reverseForRefund(tx, sales[0]!));
    const entries = await entriesIn(ctx());
    const root = entries.find((e) => e.orderId === sales[0]!.id && e.kind === "commission")!;
    const clawbacks = entries.filter((e) => e.kind === "clawback");
    expect(clawbacks).toHaveLength(1);
    expect(clawbacks[0]!.id).toMatch(/^com_/);
    expect(clawbacks[0]!.details).toEqual({ reason: "refund", clawsBack: root.id });
    const text = await metricsText();
    expect(text).toContain('affiliate_commissions_total{status="clawback"} 1');
    // Nothing was open to reverse, so no reversal is counted, not even as a zero.
    expect(text).not.toContain('status="reversed"');
  });

  it("refunding an order no affiliate referred touches no ledger", async () => {
    const { deps } = ctx();
    await affiliateWithSales(deps, 1);
    const stranger = await signUpWith(deps, null);
    const order = await buy(deps, stranger.user.id, { months: 1 });
    await refund(deps, order.id);
    expect((await entriesIn(ctx())).map((e) => e.status)).toEqual(["open"]);
  });

  it("lists an affiliate's entries a page at a time, newest first", async () => {
    const { deps } = ctx();
    const { user, sales } = await affiliateWithSales(deps, 3);
    const first = await deps.affiliates.commissions(user.id, { limit: 2, cursor: null });
    expect(first.items.map((e) => e.orderId)).toEqual([sales[2]!.id, sales[1]!.id]);
    expect(first.nextCursor).not.toBeNull();
    const all = await deps.affiliates.commissions(user.id, { limit: 3, cursor: null });
    expect(all.items).toHaveLength(3);
    expect(all.nextCursor).toBeNull();
  });
});
