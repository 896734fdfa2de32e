import { boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";
import { catalogTiers } from "../catalog/catalog.table";
import { users } from "../users/users.table";

export const SUBSCRIPTION_PROVIDERS = ["stripe", "stars"] as const;
export type SubscriptionProvider = (typeof SUBSCRIPTION_PROVIDERS)[number];

/**
 * An auto-renewing plan (API.md §13), created by the payment that pays its first order. Its
 * status is derived from the columns (see `statusOf`): ended, else cancelled at period end,
 * else past due, else active. Each paid period is an order (the first one, then one per
 * renewal with `subscription_id` set), so access, refunds and commissions follow the one paid
 * path of the orders module.
 */
export const subscriptions = pgTable(
  "subscriptions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    tierId: text("tier_id")
      .notNull()
      .references(() => catalogTiers.id),
    months: integer("months").notNull(),
    provider: text("provider", { enum: SUBSCRIPTION_PROVIDERS }).notNull(),
    /** Stripe's subscription id (`sub_…`), or the first Telegram Stars charge id of the subscription. */
    providerSubscriptionId: text("provider_subscription_id").notNull(),
    /** Stripe's customer (`cus_…`): the billing portal opens for it. */
    providerCustomerId: text("provider_customer_id"),
    /** The order the subscription was bought with. */
    orderId: text("order_id").notNull(),
    amountMinor: integer("amount_minor").notNull(),
    currency: text("currency").notNull(),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull().default(false),
    /** Set by a failed renewal, cleared by the next paid invoice. */
    pastDueSince: tstz("past_due_since"),
    endedAt: tstz("ended_at"),
    /**
     * The end of the period the provider last reported paid: for Stars, Telegram's
     * `subscription_expiration_date`, when the next charge is due (Telegram sends no event when a
     * subscription lapses, so a date long past means it ended). Unset for Stripe.
     */
    providerPeriodEnd: tstz("provider_period_end"),
    /** The `created` time of the last provider event applied: an older one arriving late is ignored. */
    providerUpdatedAt: tstz("provider_updated_at"),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("subscriptions_provider_key").on(t.provider, t.providerSubscriptionId),
    uniqueIndex("subscriptions_order_key").on(t.orderId),
    index("subscriptions_user_idx").on(t.userId, t.createdAt),
  ],
);

/**
 * Each payment a subscription took (a Stripe invoice id, a Telegram charge id), claimed once:
 * the primary key settles two deliveries of one invoice, even concurrent ones, to one period.
 */
export const subscriptionPayments = pgTable(
  "subscription_payments",
  {
    provider: text("provider", { enum: SUBSCRIPTION_PROVIDERS }).notNull(),
    reference: text("reference").notNull(),
    subscriptionId: text("subscription_id")
      .notNull()
      .references(() => subscriptions.id),
    /** The order this payment paid: the first order, or the renewal order created for it. */
    orderId: text("order_id").notNull(),
    kind: text("kind", { enum: ["first", "renewal"] }).notNull(),
    amountMinor: integer("amount_minor").notNull(),
    currency: text("currency").notNull(),
    paidAt: tstz("paid_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.provider, t.reference] }),
    index("subscription_payments_subscription_idx").on(t.subscriptionId),
  ],
);

export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type SubscriptionPaymentRow = typeof subscriptionPayments.$inferSelect;
