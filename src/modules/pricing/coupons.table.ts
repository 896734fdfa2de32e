import { sql } from "drizzle-orm";
import { boolean, check, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";

/**
 * A discount code (API.md §14). Either `percentOff` or `amountOffMinor` + `currency` is set.
 * Redemptions are not counted here: they are the orders that carry the code and are paid, or
 * pending and not yet expired (a reservation), so an expiry or a cancellation frees its place
 * without anyone having to remember to.
 */
export const coupons = pgTable(
  "coupons",
  {
    code: text("code").primaryKey(),
    percentOff: integer("percent_off"),
    amountOffMinor: integer("amount_off_minor"),
    currency: text("currency"),
    maxRedemptions: integer("max_redemptions"),
    expiresAt: tstz("expires_at"),
    /** Tiers it applies to; null means every tier. */
    tierIds: jsonb("tier_ids").$type<string[]>(),
    firstOrderOnly: boolean("first_order_only").notNull().default(false),
    createdBy: text("created_by"),
    createdAt: tstz("created_at").notNull(),
    /** DELETE archives: orders keep pointing at the code they used. */
    deletedAt: tstz("deleted_at"),
  },
  (t) => [
    check(
      "coupons_one_discount",
      sql`(${t.percentOff} is not null and ${t.amountOffMinor} is null and ${t.currency} is null and ${t.percentOff} between 1 and 100)
        or (${t.percentOff} is null and ${t.amountOffMinor} > 0 and ${t.currency} is not null)`,
    ),
    check("coupons_max_positive", sql`${t.maxRedemptions} is null or ${t.maxRedemptions} > 0`),
  ],
);

export type CouponRow = typeof coupons.$inferSelect;
