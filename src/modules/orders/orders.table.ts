import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";
import { catalogTiers } from "../catalog/catalog.table";
import { coupons } from "../pricing/coupons.table";
import type { Quote } from "../pricing/pricing.models";
import { REGION_CODES } from "../pricing/pricing.models";
import { users } from "../users/users.table";

export const ORDER_STATUSES = ["pending", "paid", "cancelled", "expired", "refunded"] as const;
export const ORDER_PROVIDERS = ["stripe", "stars", "manual"] as const;
export const ORDER_RENEWALS = ["none", "auto"] as const;

/** An order locks its quote (amounts and the exact FX rate) at creation; it never changes after. */
export const orders = pgTable(
  "orders",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    tierId: text("tier_id")
      .notNull()
      .references(() => catalogTiers.id),
    months: integer("months").notNull(),
    region: text("region", { enum: REGION_CODES }).notNull(),
    status: text("status", { enum: ORDER_STATUSES }).notNull().default("pending"),
    quote: jsonb("quote").$type<Quote>().notNull(),
    totalMinor: integer("total_minor").notNull(),
    currency: text("currency").notNull(),
    /** The exact decimal rate from GBP the quote used ("1.17"). */
    fxRate: text("fx_rate").notNull(),
    /**
     * The total in GBP minor units at the locked rate, rounded half away from zero like every
     * amount (`toGbpMinor`). Computed by the database when the row is written, so the console's
     * revenue sums integers instead of dividing decimals for every order at every read.
     */
    gbpMinor: integer("gbp_minor").generatedAlwaysAs(
      sql`round(total_minor::numeric / fx_rate::numeric)::integer`,
    ),
    provider: text("provider", { enum: ORDER_PROVIDERS }),
    stripeSessionId: text("stripe_session_id"),
    checkoutUrl: text("checkout_url"),
    /** The provider's id for the money: Stripe payment intent, Stars charge id, a bank reference. */
    providerReference: text("provider_reference"),
    /** The Telegram Stars price, fixed when a Stars invoice is issued. */
    starsAmount: integer("stars_amount"),
    /** API.md §13: `auto` checks out as a subscription (Stripe Billing, Telegram Star subscription). */
    renewal: text("renewal", { enum: ORDER_RENEWALS }).notNull().default("none"),
    /** Set on the order a subscription's renewal payment created (the first order is the subscription's `order_id`). */
    subscriptionId: text("subscription_id"),
    /** The coupon locked into the quote; a pending or paid order holds one of its redemptions. */
    couponCode: text("coupon_code").references(() => coupons.code),
    /** Set when a payment did not match the order (amount, currency, state); an operator reviews it. */
    flaggedReason: text("flagged_reason"),
    createdAt: tstz("created_at").notNull(),
    expiresAt: tstz("expires_at").notNull(),
    paidAt: tstz("paid_at"),
    cancelledAt: tstz("cancelled_at"),
    expiredAt: tstz("expired_at"),
    refundedAt: tstz("refunded_at"),
  },
  (t) => [
    index("orders_user_idx").on(t.userId, t.id),
    index("orders_status_idx").on(t.status, t.id),
    // The console's revenue per day and currency: read from the index alone (API §15 stats).
    index("orders_paid_revenue_idx")
      .on(t.paidAt, t.currency, t.totalMinor, t.gbpMinor)
      .where(sql`${t.status} = 'paid'`),
    index("orders_pending_expiry_idx").on(t.expiresAt).where(sql`${t.status} = 'pending'`),
    uniqueIndex("orders_stripe_session_key").on(t.stripeSessionId),
    index("orders_provider_reference_idx").on(t.provider, t.providerReference),
    // A coupon may take the whole price; such an order is settled without a provider.
    check("orders_total_not_negative", sql`${t.totalMinor} >= 0`),
    index("orders_coupon_idx").on(t.couponCode, t.status),
    index("orders_subscription_idx").on(t.subscriptionId),
    check("orders_months_valid", sql`${t.months} in (1, 3, 6, 12)`),
  ],
);

export type OrderRow = typeof orders.$inferSelect;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type OrderProvider = (typeof ORDER_PROVIDERS)[number];
export type OrderRenewal = (typeof ORDER_RENEWALS)[number];
