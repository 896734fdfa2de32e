import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";
import { users } from "../users/users.table";
import { AFFILIATE_TIERS } from "./affiliates.models";

/** Why a referral (or a refused signup) is in the fraud review queue. */
export const FLAG_REASONS = ["self_referral", "loop", "velocity", "shared_account", "shared_card"] as const;

export const affiliates = pgTable(
  "affiliates",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    code: text("code").notNull(),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [uniqueIndex("affiliates_user_key").on(t.userId), uniqueIndex("affiliates_code_key").on(t.code)],
);

/** A user attributed to an affiliate at signup: one row per user, ever (first touch). */
export const affiliateReferrals = pgTable(
  "affiliate_referrals",
  {
    id: text("id").primaryKey(),
    affiliateId: text("affiliate_id")
      .notNull()
      .references(() => affiliates.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    /** `fraud` once an admin confirms a flag on it: no discount, no new commission. */
    status: text("status", { enum: ["active", "fraud"] })
      .notNull()
      .default("active"),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("affiliate_referrals_user_key").on(t.userId),
    index("affiliate_referrals_affiliate_idx").on(t.affiliateId, t.createdAt),
  ],
);

/**
 * Every paid order of a referred user, in or out of the commission window: a referral with one
 * that is not refunded is a conversion, which is what the tiers count.
 */
export const affiliateReferralOrders = pgTable(
  "affiliate_referral_orders",
  {
    orderId: text("order_id").primaryKey(),
    referralId: text("referral_id")
      .notNull()
      .references(() => affiliateReferrals.id),
    paidAt: tstz("paid_at").notNull(),
    refundedAt: tstz("refunded_at"),
  },
  (t) => [index("affiliate_referral_orders_referral_idx").on(t.referralId)],
);

export const affiliatePayouts = pgTable(
  "affiliate_payouts",
  {
    id: text("id").primaryKey(),
    affiliateId: text("affiliate_id")
      .notNull()
      .references(() => affiliates.id),
    amountMinor: integer("amount_minor").notNull(),
    currency: text("currency").notNull().default("GBP"),
    status: text("status", { enum: ["requested", "paid", "rejected"] })
      .notNull()
      .default("requested"),
    /**
     * Held for an admin's approval before it can be completed: set on a request while the
     * affiliate has no payout that was approved or paid (their first, until one is).
     */
    heldForReview: boolean("held_for_review").notNull().default(false),
    approvedBy: text("approved_by"),
    approvedAt: tstz("approved_at"),
    reference: text("reference"),
    rejectionReason: text("rejection_reason"),
    /** The admin who decided, or null when the system rejected it (a refund shrank the balance). */
    decidedBy: text("decided_by"),
    decidedAt: tstz("decided_at"),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [
    index("affiliate_payouts_affiliate_idx").on(t.affiliateId, t.createdAt),
    index("affiliate_payouts_status_idx").on(t.status, t.createdAt),
    check("affiliate_payouts_amount_positive", sql`${t.amountMinor} > 0`),
    // Only a held payout is approved, and a held one is paid only once approved.
    check(
      "affiliate_payouts_review_consistent",
      sql`(${t.approvedAt} is null or ${t.heldForReview})
        and (${t.approvedAt} is null) = (${t.approvedBy} is null)
        and (${t.status} <> 'paid' or not ${t.heldForReview} or ${t.approvedAt} is not null)`,
    ),
    check(
      "affiliate_payouts_decision_consistent",
      sql`(${t.status} = 'requested') = (${t.decidedAt} is null)
        and (${t.status} = 'paid') = (${t.reference} is not null)
        and (${t.status} = 'rejected') = (${t.rejectionReason} is not null)`,
    ),
  ],
);

/**
 * The append-only commission ledger (a trigger refuses deletes and any change but a status
 * move out of `open`). Every balance is a sum over it. `open` entries are pending until
 * `available_at` and available after, so no balance waits for a job. A payout that covers only
 * part of an entry splits it: the parent becomes `split` and two children carry the parts.
 */
export const affiliateCommissions = pgTable(
  "affiliate_commissions",
  {
    id: text("id").primaryKey(),
    affiliateId: text("affiliate_id")
      .notNull()
      .references(() => affiliates.id),
    referralId: text("referral_id")
      .notNull()
      .references(() => affiliateReferrals.id),
    orderId: text("order_id").notNull(),
    kind: text("kind", { enum: ["commission", "clawback"] }).notNull(),
    amountMinor: integer("amount_minor").notNull(),
    currency: text("currency").notNull().default("GBP"),
    /** The order total in GBP at the order's locked rate, and the rate applied to it. */
    baseMinor: integer("base_minor").notNull(),
    rateBps: integer("rate_bps").notNull(),
    tier: text("tier", { enum: AFFILIATE_TIERS }).notNull(),
    status: text("status", { enum: ["open", "paid", "reversed", "split"] })
      .notNull()
      .default("open"),
    availableAt: tstz("available_at").notNull(),
    parentId: text("parent_id"),
    payoutId: text("payout_id").references(() => affiliatePayouts.id),
    reversalReason: text("reversal_reason", { enum: ["refund", "fraud"] }),
    settledAt: tstz("settled_at"),
    createdAt: tstz("created_at").notNull(),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    // One commission and at most one clawback per order: hooks replayed for an order add nothing.
    uniqueIndex("affiliate_commissions_order_key")
      .on(t.orderId)
      .where(sql`${t.kind} = 'commission' and ${t.parentId} is null`),
    uniqueIndex("affiliate_commissions_clawback_key")
      .on(t.orderId)
      .where(sql`${t.kind} = 'clawback' and ${t.parentId} is null`),
    index("affiliate_commissions_affiliate_idx").on(t.affiliateId, t.status, t.availableAt),
    index("affiliate_commissions_referral_idx").on(t.referralId),
    index("affiliate_commissions_payout_idx").on(t.payoutId),
    check(
      "affiliate_commissions_sign",
      sql`(${t.kind} = 'commission' and ${t.amountMinor} > 0) or (${t.kind} = 'clawback' and ${t.amountMinor} < 0)`,
    ),
    check("affiliate_commissions_rate_range", sql`${t.rateBps} between 0 and 10000`),
    check("affiliate_commissions_paid_has_payout", sql`(${t.status} = 'paid') = (${t.payoutId} is not null)`),
    check(
      "affiliate_commissions_reversal_reason",
      sql`(${t.status} = 'reversed') = (${t.reversalReason} is not null)`,
    ),
  ],
);

export const affiliateFlags = pgTable(
  "affiliate_flags",
  {
    id: text("id").primaryKey(),
    affiliateId: text("affiliate_id")
      .notNull()
      .references(() => affiliates.id),
    /**
     * `shared_account`: a referral's EA reported the same MT5 account as one of the referrer's;
     * `shared_card`: a referral paid with a card (Stripe fingerprint) the referrer paid with.
     */
    reason: text("reason", { enum: FLAG_REASONS }).notNull(),
    /** The user whose signup raised the flag. */
    subjectUserId: text("subject_user_id")
      .notNull()
      .references(() => users.id),
    /** The attribution under review; null when the signup was refused (nothing to reverse). */
    referralId: text("referral_id").references(() => affiliateReferrals.id),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    /**
     * What a referral shares with its referrer (the account, the card), for the flags raised
     * on evidence: one flag per referral, reason and evidence, however often it is seen again.
     */
    evidence: text("evidence"),
    status: text("status", { enum: ["open", "cleared", "confirmed"] })
      .notNull()
      .default("open"),
    note: text("note"),
    reviewedBy: text("reviewed_by"),
    reviewedAt: tstz("reviewed_at"),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [
    index("affiliate_flags_status_idx").on(t.status, t.createdAt),
    index("affiliate_flags_referral_idx").on(t.referralId),
    uniqueIndex("affiliate_flags_evidence_key")
      .on(t.referralId, t.reason, t.evidence)
      .where(sql`${t.evidence} is not null`),
  ],
);

export type AffiliateRow = typeof affiliates.$inferSelect;
export type ReferralRow = typeof affiliateReferrals.$inferSelect;
export type CommissionRow = typeof affiliateCommissions.$inferSelect;
export type PayoutRow = typeof affiliatePayouts.$inferSelect;
export type FlagRow = typeof affiliateFlags.$inferSelect;

/**
 * A visit to an affiliate's web link (`PUBLIC_URL/?ref=<code>`) before the visitor is a user:
 * counted in the affiliate's stats. Attribution itself happens when the visitor reaches the
 * bot with the code (`/start ref_<code>`), first touch only. Nothing about the visitor is kept.
 */
export const affiliateVisits = pgTable(
  "affiliate_visits",
  {
    id: text("id").primaryKey(),
    affiliateId: text("affiliate_id")
      .notNull()
      .references(() => affiliates.id),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [index("affiliate_visits_affiliate_idx").on(t.affiliateId, t.createdAt)],
);
