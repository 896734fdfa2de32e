import { and, countDistinct, eq, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Executor } from "../../db/client";
import {
  type AffiliateRow,
  affiliateCommissions,
  affiliatePayouts,
  affiliateReferralOrders,
  affiliateReferrals,
  affiliates,
  affiliateVisits,
  type ReferralRow,
} from "./affiliates.table";

export interface Balances {
  pendingMinor: number;
  /** Matured, unpaid entries net of clawbacks; negative only when a clawback exceeds them. */
  availableMinor: number;
  paidMinor: number;
  requestedMinor: number;
}

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const sumWhere = (condition: SQL) =>
  sql<number>`coalesce(sum(${affiliateCommissions.amountMinor}) filter (where ${condition}), 0)`.mapWith(
    Number,
  );

/** Keyset condition for lists ordered by (createdAt, id) descending. */
export function olderThan(
  cols: { createdAt: PgColumn; id: PgColumn },
  cursor: { createdAt: Date; id: string } | null,
): SQL | undefined {
  if (!cursor) return undefined;
  return or(
    lt(cols.createdAt, cursor.createdAt),
    and(eq(cols.createdAt, cursor.createdAt), lt(cols.id, cursor.id)),
  );
}

export function affiliatesRepository(db: Executor) {
  return {
    async findByUserId(userId: string): Promise<AffiliateRow | undefined> {
      const [row] = await db.select().from(affiliates).where(eq(affiliates.userId, userId));
      return row;
    },
    async findByCode(code: string): Promise<AffiliateRow | undefined> {
      const [row] = await db.select().from(affiliates).where(eq(affiliates.code, code));
      return row;
    },
    /**
     * Every change to an affiliate's balances takes this row lock first, so requests, refunds,
     * payouts and tier counts for one affiliate happen one at a time and in one order.
     */
    async lock(affiliateId: string): Promise<AffiliateRow | undefined> {
      const [row] = await db.select().from(affiliates).where(eq(affiliates.id, affiliateId)).for("update");
      return row;
    },
    async lockOfUser(userId: string): Promise<AffiliateRow | undefined> {
      const [row] = await db.select().from(affiliates).where(eq(affiliates.userId, userId)).for("update");
      return row;
    },
    async referralOfUser(userId: string): Promise<ReferralRow | undefined> {
      const [row] = await db.select().from(affiliateReferrals).where(eq(affiliateReferrals.userId, userId));
      return row;
    },

    async balances(affiliateId: string, now: Date): Promise<Balances> {
      const c = affiliateCommissions;
      const [ledger] = await db
        .select({
          pendingMinor: sumWhere(sql`${c.status} = 'open' and ${c.availableAt} > ${at(now)}`),
          availableMinor: sumWhere(sql`${c.status} = 'open' and ${c.availableAt} <= ${at(now)}`),
          paidMinor: sumWhere(sql`${c.status} = 'paid'`),
        })
        .from(c)
        .where(eq(c.affiliateId, affiliateId));
      const [requested] = await db
        .select({
          requestedMinor: sql<number>`coalesce(sum(${affiliatePayouts.amountMinor}), 0)`.mapWith(Number),
        })
        .from(affiliatePayouts)
        .where(and(eq(affiliatePayouts.affiliateId, affiliateId), eq(affiliatePayouts.status, "requested")));
      return { ...ledger!, ...requested! };
    },

    /** Referred users (still standing) with at least one paid order that was not refunded. */
    async conversions(affiliateId: string): Promise<number> {
      const [row] = await db
        .select({ n: countDistinct(affiliateReferralOrders.referralId) })
        .from(affiliateReferralOrders)
        .innerJoin(affiliateReferrals, eq(affiliateReferrals.id, affiliateReferralOrders.referralId))
        .where(
          and(
            eq(affiliateReferrals.affiliateId, affiliateId),
            eq(affiliateReferrals.status, "active"),
            isNull(affiliateReferralOrders.refundedAt),
          ),
        );
      return Number(row?.n ?? 0);
    },

    async visitCount(affiliateId: string): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)`.mapWith(Number) })
        .from(affiliateVisits)
        .where(eq(affiliateVisits.affiliateId, affiliateId));
      return row?.n ?? 0;
    },
    async referralCount(affiliateId: string, since?: Date): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)`.mapWith(Number) })
        .from(affiliateReferrals)
        .where(
          and(
            eq(affiliateReferrals.affiliateId, affiliateId),
            eq(affiliateReferrals.status, "active"),
            since ? sql`${affiliateReferrals.createdAt} > ${at(since)}` : undefined,
          ),
        );
      return row?.n ?? 0;
    },
  };
}
