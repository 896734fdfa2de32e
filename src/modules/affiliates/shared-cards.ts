import { sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import type { AffiliateContext } from "./affiliates.context";
import { createOverlapFlagger, lockReferralSides, rowsOf } from "./referrer-overlap";

/** A card a user paid with for the first time (the `payments.card_used` event). */
export interface CardUse {
  userId: string;
  /** Stripe's card fingerprint: one value per card number on the Stripe account. */
  fingerprint: string;
  orderId: string;
}

interface Match {
  referral_id: string;
  affiliate_id: string;
  referral_user_id: string;
}

/**
 * Issue 17: a referral who pays with a card the referrer paid with (or the referrer with a card
 * a referral paid with) is flagged `shared_card` for review: the same person under a second
 * Telegram account earns no honest commission. Checked from both sides, in the transaction
 * that records the card, under the same locks as the shared MT5 account check.
 */
export function createSharedCardCheck(ctx: Pick<AffiliateContext, "clock">) {
  const flagOverlaps = createOverlapFlagger(ctx);
  return async function checkSharedCard(tx: Executor, use: CardUse): Promise<number> {
    const { userId, fingerprint } = use;
    await lockReferralSides(tx, userId);
    const matches = rowsOf<Match>(
      await tx.execute(sql`
        select r.id as referral_id, r.affiliate_id, r.user_id as referral_user_id
          from affiliate_referrals r
          join affiliates a on a.id = r.affiliate_id
          join payment_cards c on c.user_id = a.user_id
         where r.user_id = ${userId} and r.status = 'active' and c.fingerprint = ${fingerprint}
        union all
        select r.id, r.affiliate_id, r.user_id
          from affiliates a
          join affiliate_referrals r on r.affiliate_id = a.id
          join payment_cards c on c.user_id = r.user_id
         where a.user_id = ${userId} and r.status = 'active' and c.fingerprint = ${fingerprint}`),
    );
    return flagOverlaps(
      tx,
      "shared_card",
      fingerprint,
      matches.map((m) => ({
        referralId: m.referral_id,
        affiliateId: m.affiliate_id,
        referralUserId: m.referral_user_id,
        // The payment that revealed the shared card: the referral's or the referrer's.
        details: { fingerprint, orderId: use.orderId, payerUserId: userId },
      })),
    );
  };
}
