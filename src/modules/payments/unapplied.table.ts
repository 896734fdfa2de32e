import { bigint, index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";

export const UNAPPLIED_PROVIDERS = ["stars"] as const;
/** Why the money could not pay its order: the order was no longer payable, the amount differed, no such order. */
export const UNAPPLIED_REASONS = ["not_payable", "mismatch", "not_found"] as const;
export type UnappliedReason = (typeof UNAPPLIED_REASONS)[number];
/** held → refunding (one admin's refund call in flight) → refunded; a failed call goes back to held. */
export const UNAPPLIED_STATUSES = ["held", "refunding", "refunded"] as const;

/**
 * Money a provider took that no order could take (a Stars payment for an order cancelled,
 * expired or already paid in between, or of another amount). Kept with the provider's charge
 * id, the one thing a refund needs; unique on it, so a payment reported twice is held once and
 * refunded at most once.
 */
export const unappliedPayments = pgTable(
  "unapplied_payments",
  {
    id: text("id").primaryKey(),
    provider: text("provider", { enum: UNAPPLIED_PROVIDERS }).notNull(),
    /** Telegram's `telegram_payment_charge_id`: refundStarPayment takes it with the payer's id. */
    chargeId: text("charge_id").notNull(),
    /** Telegram's id for the same charge at the payment provider (empty for Stars). */
    providerChargeId: text("provider_charge_id"),
    telegramUserId: bigint("telegram_user_id", { mode: "number" }).notNull(),
    userId: text("user_id"),
    /** The invoice payload: the order the payment was meant for (it may name no order). */
    orderRef: text("order_ref").notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    reason: text("reason", { enum: UNAPPLIED_REASONS }).notNull(),
    /** The order's state or the difference, in words, for the operator. */
    detail: text("detail").notNull(),
    status: text("status", { enum: UNAPPLIED_STATUSES }).notNull().default("held"),
    /** When a refund call was started: a claim older than a minute belongs to a process that died. */
    claimedAt: tstz("claimed_at"),
    refundedAt: tstz("refunded_at"),
    refundedBy: text("refunded_by"),
    lastError: text("last_error"),
    receivedAt: tstz("received_at").notNull(),
  },
  (t) => [
    uniqueIndex("unapplied_payments_charge_key").on(t.provider, t.chargeId),
    index("unapplied_payments_status_idx").on(t.status, t.receivedAt),
  ],
);

export type UnappliedPaymentRow = typeof unappliedPayments.$inferSelect;
