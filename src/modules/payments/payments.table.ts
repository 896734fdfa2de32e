import { index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";
import { users } from "../users/users.table";

/**
 * Every Stripe event id ever received. Inserting the id is the first statement of the
 * transaction that applies the event, so a redelivery (even a concurrent one) waits on the
 * primary key and then finds it taken: each event takes effect once.
 */
export const stripeEvents = pgTable("stripe_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  /** What handling the event did: "paid", "flagged", "order_not_found", "ignored"… */
  result: text("result").notNull(),
  orderId: text("order_id"),
  /** Set when the event needs an operator's look (a payment for a subscription we do not know). */
  flaggedReason: text("flagged_reason"),
  receivedAt: tstz("received_at").notNull(),
});

export type StripeEventRow = typeof stripeEvents.$inferSelect;

/**
 * The cards a user has paid with, by Stripe's card fingerprint (one value per card number on
 * this Stripe account). Kept as Stripe gives it: it is not a secret (it cannot charge anything)
 * and the same value is what a Radar `card_fingerprint` list takes. The affiliate program reads
 * it to find a referral paying with their referrer's card.
 */
export const paymentCards = pgTable(
  "payment_cards",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    fingerprint: text("fingerprint").notNull(),
    /** The order the card was first seen paying for this user. */
    firstOrderId: text("first_order_id").notNull(),
    firstSeenAt: tstz("first_seen_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.fingerprint] }),
    index("payment_cards_fingerprint_idx").on(t.fingerprint),
  ],
);
