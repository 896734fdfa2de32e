import { index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";
import { PAID_LEVELS } from "../catalog/catalog.models";
import { catalogTiers } from "../catalog/catalog.table";
import { users } from "../users/users.table";

export const ENTITLEMENT_SOURCES = ["order", "admin", "trial", "grace"] as const;
export type EntitlementSource = (typeof ENTITLEMENT_SOURCES)[number];

/** A period during which a user holds a tier. Revoked periods stay for history. */
export const entitlements = pgTable(
  "entitlements",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    tierId: text("tier_id")
      .notNull()
      .references(() => catalogTiers.id),
    level: text("level", { enum: PAID_LEVELS }).notNull(),
    startsAt: tstz("starts_at").notNull(),
    expiresAt: tstz("expires_at").notNull(),
    sourceKind: text("source_kind", { enum: ENTITLEMENT_SOURCES }).notNull(),
    /**
     * What this period may exist for only once: "trial:<userId>" (one trial per Telegram
     * account), "grace:<invoice>" (one grace per failed renewal). Unique, so a race grants once.
     */
    reference: text("reference"),
    /** The order that paid for this period: a refund revokes exactly this row. */
    orderId: text("order_id"),
    grantedBy: text("granted_by"),
    revokedAt: tstz("revoked_at"),
    revokedBy: text("revoked_by"),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [
    index("entitlements_user_idx").on(t.userId, t.expiresAt),
    uniqueIndex("entitlements_order_key").on(t.orderId),
    uniqueIndex("entitlements_reference_key").on(t.reference),
  ],
);

export type EntitlementRow = typeof entitlements.$inferSelect;
