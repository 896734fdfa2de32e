import { and, asc, desc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { newId } from "../../shared/ids";
import { toGbpMinor } from "../pricing/pricing.models";
import type { AffiliateContext, AffiliateOrder } from "./affiliates.context";
import {
  commissionMinor,
  commissionStatusAt,
  DAY_MS,
  isWithinCommissionWindow,
  pageOf,
  tierFor,
} from "./affiliates.models";
import { affiliatesRepository, olderThan } from "./affiliates.repository";
import {
  affiliateCommissions,
  affiliatePayouts,
  affiliateReferralOrders,
  affiliateReferrals,
  type CommissionRow,
} from "./affiliates.table";

const c = affiliateCommissions;

export type CommissionsService = ReturnType<typeof createCommissionsService>;

export function createCommissionsService(ctx: AffiliateContext) {
  const { clock, settings } = ctx;

  /**
   * Runs in the transaction that marks the order paid (an `orders.paid` reaction). The tier is the one
   * the affiliate holds as the order is paid, counted before this order: the rate an affiliate
   * sees in their stats is the rate their next sale earns.
   */
  async function recordCommission(tx: Executor, order: AffiliateOrder): Promise<void> {
    const repo = affiliatesRepository(tx);
    const referral = await repo.referralOfUser(order.userId);
    if (referral?.status !== "active") return;
    const paidAt = order.paidAt ?? clock.now();
    await repo.lock(referral.affiliateId);
    const { tier, rateBps } = tierFor(await repo.conversions(referral.affiliateId), settings.schedule);
    const [noted] = await tx
      .insert(affiliateReferralOrders)
      .values({ orderId: order.id, referralId: referral.id, paidAt })
      .onConflictDoNothing()
      .returning();
    if (!noted || !isWithinCommissionWindow(referral.createdAt, paidAt)) return;
    const baseMinor = toGbpMinor(order.totalMinor, order.fxRate);
    const amountMinor = commissionMinor(baseMinor, rateBps);
    if (amountMinor <= 0) return;
    const now = clock.now();
    const [row] = await tx
      .insert(c)
      .values({
        id: newId("com", now.getTime()),
        affiliateId: referral.affiliateId,
        referralId: referral.id,
        orderId: order.id,
        kind: "commission",
        amountMinor,
        baseMinor,
        rateBps,
        tier,
        availableAt: new Date(paidAt.getTime() + settings.holdDays * DAY_MS),
        createdAt: now,
        details: { orderTotalMinor: order.totalMinor, orderCurrency: order.currency, fxRate: order.fxRate },
      })
      .onConflictDoNothing()
      .returning({ id: c.id });
    if (row) ctx.commissionsTotal.inc({ status: "pending" });
  }

  /**
   * Undoes what orders earned: entries not yet paid are reversed; what was already paid out
   * comes back as one negative clawback per order, available at once so it nets against the
   * next payout. The caller holds the affiliate's lock.
   */
  async function reverseOrders(tx: Executor, orderIds: string[], reason: "refund" | "fraud"): Promise<void> {
    // Stryker disable next-line ConditionalExpression: with no orders every statement below matches nothing
    if (orderIds.length === 0) return;
    const now = clock.now();
    const reversed = await tx
      .update(c)
      .set({ status: "reversed", reversalReason: reason, settledAt: now })
      .where(and(inArray(c.orderId, orderIds), eq(c.kind, "commission"), eq(c.status, "open")))
      .returning({ id: c.id });
    if (reversed.length > 0) ctx.commissionsTotal.inc({ status: "reversed" }, reversed.length);

    const paid = await tx
      .select({ orderId: c.orderId, paidMinor: sql<number>`sum(${c.amountMinor})`.mapWith(Number) })
      .from(c)
      .where(and(inArray(c.orderId, orderIds), eq(c.kind, "commission"), eq(c.status, "paid")))
      .groupBy(c.orderId);
    for (const { orderId, paidMinor } of paid) {
      const [root] = await tx
        .select()
        .from(c)
        .where(and(eq(c.orderId, orderId), eq(c.kind, "commission"), isNull(c.parentId)));
      const [clawback] = await tx
        .insert(c)
        .values({
          id: newId("com", now.getTime()),
          affiliateId: root!.affiliateId,
          referralId: root!.referralId,
          orderId,
          kind: "clawback",
          amountMinor: -paidMinor,
          baseMinor: root!.baseMinor,
          rateBps: root!.rateBps,
          tier: root!.tier,
          availableAt: now,
          createdAt: now,
          details: { reason, clawsBack: root!.id },
        })
        .onConflictDoNothing()
        .returning({ id: c.id });
      if (clawback) ctx.commissionsTotal.inc({ status: "clawback" });
    }
  }

  /**
   * A reversal can leave less available than payouts already asked for. Those payouts, newest
   * first, are rejected until the rest is covered: a payout is never completed with money a
   * refund took back. The caller holds the affiliate's lock.
   */
  async function rejectOverdrawnPayouts(tx: Executor, affiliateId: string, cause: string): Promise<void> {
    const now = clock.now();
    const balances = await affiliatesRepository(tx).balances(affiliateId, now);
    let excess = balances.requestedMinor - Math.max(0, balances.availableMinor);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the loop's own check stops at once; this spares the query
    if (excess <= 0) return;
    const open = await tx
      .select()
      .from(affiliatePayouts)
      .where(and(eq(affiliatePayouts.affiliateId, affiliateId), eq(affiliatePayouts.status, "requested")))
      .orderBy(desc(affiliatePayouts.createdAt), desc(affiliatePayouts.id));
    for (const payout of open) {
      if (excess <= 0) break;
      const reason = `The available balance fell below this request (${cause})`;
      await tx
        .update(affiliatePayouts)
        .set({ status: "rejected", rejectionReason: reason, decidedAt: now })
        .where(and(eq(affiliatePayouts.id, payout.id), eq(affiliatePayouts.status, "requested")));
      await ctx.audit.record(
        {
          actorId: null,
          actorKind: "system",
          action: "affiliates.payout_rejected",
          subjectType: "affiliate_payout",
          subjectId: payout.id,
          data: { affiliateId, amountMinor: payout.amountMinor, reason },
        },
        tx,
      );
      excess -= payout.amountMinor;
    }
  }

  /** Runs in the transaction that marks the order refunded (an `orders.refunded` reaction). */
  async function reverseForRefund(tx: Executor, order: Pick<AffiliateOrder, "id">): Promise<void> {
    const ro = affiliateReferralOrders;
    const [noted] = await tx
      .select({ affiliateId: affiliateReferrals.affiliateId })
      .from(ro)
      .innerJoin(affiliateReferrals, eq(affiliateReferrals.id, ro.referralId))
      .where(eq(ro.orderId, order.id));
    if (!noted) return;
    // Under the lock, like the paid hook, so a tier count never sees a refund half-applied.
    await affiliatesRepository(tx).lock(noted.affiliateId);
    await tx
      .update(ro)
      .set({ refundedAt: clock.now() })
      .where(and(eq(ro.orderId, order.id), isNull(ro.refundedAt)));
    await reverseOrders(tx, [order.id], "refund");
    await rejectOverdrawnPayouts(tx, noted.affiliateId, `refund of order ${order.id}`);
  }

  /** Available entries oldest first, locked: what a payout settles. */
  async function availableEntries(tx: Executor, affiliateId: string): Promise<CommissionRow[]> {
    return tx
      .select()
      .from(c)
      .where(
        and(
          eq(c.affiliateId, affiliateId),
          eq(c.status, "open"),
          sql`${c.availableAt} <= ${clock.now().toISOString()}::timestamptz`,
        ),
      )
      .orderBy(asc(c.availableAt), asc(c.createdAt), asc(c.id))
      .for("update");
  }

  async function list(
    affiliateId: string,
    page: { limit: number; cursor: { createdAt: Date; id: string } | null },
  ) {
    const now = clock.now();
    const rows = await ctx.db
      .select()
      .from(c)
      .where(and(eq(c.affiliateId, affiliateId), ne(c.status, "split"), olderThan(c, page.cursor)))
      .orderBy(desc(c.createdAt), desc(c.id))
      .limit(page.limit + 1);
    return pageOf(rows, page, (row) => ({
      id: row.id,
      orderId: row.orderId,
      kind: row.kind,
      amountMinor: row.amountMinor,
      currency: row.currency,
      rateBps: row.rateBps,
      tier: row.tier,
      status: commissionStatusAt(row, now),
      createdAt: row.createdAt.toISOString(),
      availableAt: row.availableAt.toISOString(),
    }));
  }

  return {
    recordCommission,
    reverseForRefund,
    reverseOrders,
    rejectOverdrawnPayouts,
    availableEntries,
    list,
  };
}
