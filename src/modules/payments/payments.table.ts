import { pgTable, text } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";

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
