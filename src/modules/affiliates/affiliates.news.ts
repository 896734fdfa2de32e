import { and, eq, gt, inArray, isNull, lte } from "drizzle-orm";
import type { Executor } from "../../db/client";
import type { DomainEvents } from "../../shared/events";
import {
  affiliateCommissions,
  affiliatePayouts,
  affiliateReferrals,
  affiliates,
  type PayoutRow,
} from "./affiliates.table";

export type CommissionNews = DomainEvents["affiliates.commission_earned"];

/**
 * What the affiliate program tells its affiliates about, read from its own tables: the facts
 * behind the `affiliates.*` events (announced in affiliates.reactions.ts and the admin payout
 * decisions) and the commissions whose hold has just ended.
 */
export function affiliateNews(db: Executor) {
  const c = affiliateCommissions;
  const commissionColumns = {
    commissionId: c.id,
    affiliateUserId: affiliates.userId,
    amountMinor: c.amountMinor,
    currency: c.currency,
    availableAt: c.availableAt,
  };

  return {
    /** The attribution a signup got (an active referral), with the affiliate's user. */
    async referralOf(userId: string): Promise<DomainEvents["affiliates.referred"] | undefined> {
      const [row] = await db
        .select({ referralId: affiliateReferrals.id, affiliateUserId: affiliates.userId })
        .from(affiliateReferrals)
        .innerJoin(affiliates, eq(affiliates.id, affiliateReferrals.affiliateId))
        .where(and(eq(affiliateReferrals.userId, userId), eq(affiliateReferrals.status, "active")));
      return row;
    },

    /** The commission an order earned (the original entry, not a payout's split part). */
    async commissionFor(orderId: string): Promise<CommissionNews | undefined> {
      const [row] = await db
        .select(commissionColumns)
        .from(c)
        .innerJoin(affiliates, eq(affiliates.id, c.affiliateId))
        .where(and(eq(c.orderId, orderId), eq(c.kind, "commission"), isNull(c.parentId)));
      return row;
    },

    /** The payout requests still open of the affiliate who referred `userId`. */
    async requestedPayoutsOfReferrer(userId: string): Promise<string[]> {
      const rows = await db
        .select({ id: affiliatePayouts.id })
        .from(affiliatePayouts)
        .innerJoin(affiliateReferrals, eq(affiliateReferrals.affiliateId, affiliatePayouts.affiliateId))
        .where(and(eq(affiliateReferrals.userId, userId), eq(affiliatePayouts.status, "requested")));
      return rows.map((r) => r.id);
    },

    /** Of these payouts, the ones decided (paid or rejected), with their affiliate's user. */
    async decided(payoutIds: string[]): Promise<DomainEvents["affiliates.payout_decided"][]> {
      if (payoutIds.length === 0) return [];
      const rows = await db
        .select({ payout: affiliatePayouts, affiliateUserId: affiliates.userId })
        .from(affiliatePayouts)
        .innerJoin(affiliates, eq(affiliates.id, affiliatePayouts.affiliateId))
        .where(inArray(affiliatePayouts.id, payoutIds));
      return rows.filter((r) => r.payout.status !== "requested");
    },

    async affiliateUserOf(payout: PayoutRow): Promise<string> {
      const [row] = await db
        .select({ userId: affiliates.userId })
        .from(affiliates)
        .where(eq(affiliates.id, payout.affiliateId));
      return row!.userId;
    },

    /**
     * Commissions whose hold ended in (from, to] and are still open: neither reversed by a
     * refund nor split by a payout. The bot runs this on a timer; its dedupe key per commission
     * makes each announcement once.
     */
    async becameAvailable(from: Date, to: Date): Promise<CommissionNews[]> {
      return db
        .select(commissionColumns)
        .from(c)
        .innerJoin(affiliates, eq(affiliates.id, c.affiliateId))
        .where(
          and(
            eq(c.kind, "commission"),
            eq(c.status, "open"),
            isNull(c.parentId),
            gt(c.availableAt, from),
            lte(c.availableAt, to),
          ),
        );
    },
  };
}
