import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { newId } from "../../shared/ids";
import type { UserRow } from "../users/users.table";
import type { AffiliateContext } from "./affiliates.context";
import { normalizeCode, VELOCITY_LIMIT, VELOCITY_WINDOW_MS } from "./affiliates.models";
import { affiliatesRepository } from "./affiliates.repository";
import { type AffiliateRow, affiliateFlags, affiliateReferrals, affiliates } from "./affiliates.table";

type FlagReason = (typeof affiliateFlags.$inferInsert)["reason"];

// Deep enough for any real chain of referrals; the bound only guards against a corrupt cycle.
const MAX_CHAIN_DEPTH = 64;

/**
 * True when `userId` sits anywhere up the chain of who referred `ownerUserId` (the owner's
 * referrer, that referrer's referrer…): attributing `userId` to the owner would close a loop.
 */
async function referredTransitivelyBy(tx: Executor, ownerUserId: string, userId: string): Promise<boolean> {
  const result = await tx.execute(sql`
    with recursive chain(user_id, depth) as (
      select a.user_id, 1
        from affiliate_referrals r join affiliates a on a.id = r.affiliate_id
       where r.user_id = ${ownerUserId}
      union all
      select a.user_id, chain.depth + 1
        from chain
        join affiliate_referrals r on r.user_id = chain.user_id
        join affiliates a on a.id = r.affiliate_id
       where chain.depth < ${MAX_CHAIN_DEPTH}
    )
    select 1 from chain where user_id = ${userId} limit 1`);
  // node-postgres and PGlite both answer raw SQL with a `rows` array.
  return (result as unknown as { rows: unknown[] }).rows.length > 0;
}

export type ReferralsService = ReturnType<typeof createReferralsService>;

export function createReferralsService(ctx: AffiliateContext) {
  async function flag(
    tx: Executor,
    affiliate: AffiliateRow,
    reason: FlagReason,
    userId: string,
    extra: { referralId?: string; details?: Record<string, unknown> } = {},
  ) {
    const now = ctx.clock.now();
    await tx.insert(affiliateFlags).values({
      id: newId("afl", now.getTime()),
      affiliateId: affiliate.id,
      reason,
      subjectUserId: userId,
      referralId: extra.referralId ?? null,
      details: extra.details ?? {},
      createdAt: now,
    });
  }

  /**
   * Runs in the transaction that creates the user (a `users.created` reaction), so a user and their
   * attribution commit together and first touch is all there is. A code that is malformed or
   * unknown is ignored without a word to the user. A brand-new user owns no code and has
   * referred nobody, so self-referral and loops cannot arise on this path today; they are
   * still refused and flagged here, where any future attribution path must pass.
   */
  async function attributeSignup(user: UserRow, tx: Executor): Promise<void> {
    const code = normalizeCode(user.referralCode);
    if (!code) return;
    const repo = affiliatesRepository(tx);
    const found = await repo.findByCode(code);
    if (!found) return;
    if (found.userId === user.id) return flag(tx, found, "self_referral", user.id, { details: { code } });
    if (await referredTransitivelyBy(tx, found.userId, user.id)) {
      return flag(tx, found, "loop", user.id, { details: { code } });
    }
    // The lock makes the velocity count exact when many signups arrive for one affiliate at once.
    const affiliate = (await repo.lock(found.id))!;
    const [referral] = await tx
      .insert(affiliateReferrals)
      .values({
        id: newId("arf", user.createdAt.getTime()),
        affiliateId: affiliate.id,
        userId: user.id,
        createdAt: user.createdAt,
      })
      .onConflictDoNothing()
      .returning();
    if (!referral) return;
    const recent = await repo.referralCount(
      affiliate.id,
      new Date(user.createdAt.getTime() - VELOCITY_WINDOW_MS),
    );
    if (recent > VELOCITY_LIMIT) {
      await flag(tx, affiliate, "velocity", user.id, {
        referralId: referral.id,
        details: { signupsInLastHour: recent },
      });
    }
  }

  /** The affiliate code a user was attributed to, while the attribution stands. */
  async function referredBy(userId: string): Promise<string | null> {
    const [row] = await ctx.db
      .select({ code: affiliates.code })
      .from(affiliateReferrals)
      .innerJoin(affiliates, eq(affiliates.id, affiliateReferrals.affiliateId))
      .where(and(eq(affiliateReferrals.userId, userId), eq(affiliateReferrals.status, "active")));
    return row?.code ?? null;
  }

  return {
    attributeSignup,
    referredBy,
    /** Pricing asks this for the affiliate discount. */
    async isReferred(userId: string): Promise<boolean> {
      return (await referredBy(userId)) !== null;
    },
  };
}
