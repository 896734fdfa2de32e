import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";
import type { Features } from "../users/users.models";
import { PAID_LEVELS } from "./catalog.models";

export const catalogCategories = pgTable(
  "catalog_categories",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    position: integer("position").notNull().default(0),
    archivedAt: tstz("archived_at"),
    createdAt: tstz("created_at").notNull(),
    updatedAt: tstz("updated_at").notNull(),
  },
  (t) => [uniqueIndex("catalog_categories_slug_key").on(t.slug)],
);

export const catalogProducts = pgTable(
  "catalog_products",
  {
    id: text("id").primaryKey(),
    categoryId: text("category_id")
      .notNull()
      .references(() => catalogCategories.id),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    position: integer("position").notNull().default(0),
    archivedAt: tstz("archived_at"),
    createdAt: tstz("created_at").notNull(),
    updatedAt: tstz("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("catalog_products_slug_key").on(t.slug),
    index("catalog_products_category_idx").on(t.categoryId),
  ],
);

export const catalogTiers = pgTable(
  "catalog_tiers",
  {
    id: text("id").primaryKey(),
    productId: text("product_id")
      .notNull()
      .references(() => catalogProducts.id),
    level: text("level", { enum: PAID_LEVELS }).notNull(),
    name: text("name").notNull(),
    monthlyPriceMinor: integer("monthly_price_minor").notNull(),
    features: jsonb("features").$type<Required<Features>>().notNull(),
    /** A free trial of this many days, once per Telegram account; 0 = no trial. */
    trialDays: integer("trial_days").notNull().default(0),
    archivedAt: tstz("archived_at"),
    createdAt: tstz("created_at").notNull(),
    updatedAt: tstz("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("catalog_tiers_product_level_key").on(t.productId, t.level),
    check("catalog_tiers_price_positive", sql`${t.monthlyPriceMinor} > 0`),
    check("catalog_tiers_trial_days", sql`${t.trialDays} between 0 and 90`),
  ],
);

/** One row per one-time seed applied, so a restart never seeds again. */
export const appSeeds = pgTable("app_seeds", {
  key: text("key").primaryKey(),
  appliedAt: tstz("applied_at").notNull(),
});

export type CategoryRow = typeof catalogCategories.$inferSelect;
export type ProductRow = typeof catalogProducts.$inferSelect;
export type TierRow = typeof catalogTiers.$inferSelect;
