import { sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { newId } from "../../shared/ids";
import type { AffiliateContext } from "./affiliates.context";
import { affiliateFlags } from "./affiliates.table";

/** The flags raised on something a referral shares with its referrer. */
export type OverlapReason = "shared_account" | "shared_card";

/** A referral found sharing something with its referrer, and what the admin is shown about it. */
export interface Overlap {
  referralId: string;
  affiliateId: string;
  referralUserId: string;
  details: Record<string, unknown>;
}

/** node-postgres and PGlite both answer raw SQL with a `rows` array. */
export const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

/**
 * Locks the affiliate rows on either side of `userId` (their own, and their referrer's) in id
 * order. Both sides of one shared thing (the referral's report and the referrer's) take the same
 * lock, so they run one after the other and the second sees what the first stored.
 */
export async function lockReferralSides(tx: Executor, userId: string): Promise<void> {
  await tx.execute(sql`
    select id from affiliates
     where user_id = ${userId}
        or id = (select affiliate_id from affiliate_referrals where user_id = ${userId})
     order by id for update`);
}

/**
 * The one rule for flags raised on shared evidence (SPEC.md "Devices: settings and account",
 * issue 17): a referral is flagged once per reason and evidence, however often the evidence is
 * seen again, so a flag an admin cleared stays cleared for the same account or card. The unique
 * key on (referral, reason, evidence) settles repeats, including concurrent ones.
 * Returns how many flags are new.
 */
export function createOverlapFlagger(ctx: Pick<AffiliateContext, "clock">) {
  return async function flagOverlaps(
    tx: Executor,
    reason: OverlapReason,
    evidence: string,
    overlaps: Overlap[],
  ): Promise<number> {
    let flagged = 0;
    const seen = new Set<string>();
    for (const o of overlaps) {
      if (seen.has(o.referralId)) continue;
      seen.add(o.referralId);
      const now = ctx.clock.now();
      const inserted = await tx
        .insert(affiliateFlags)
        .values({
          id: newId("afl", now.getTime()),
          affiliateId: o.affiliateId,
          reason,
          subjectUserId: o.referralUserId,
          referralId: o.referralId,
          details: o.details,
          evidence,
          createdAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: affiliateFlags.id });
      flagged += inserted.length;
    }
    return flagged;
  };
}
