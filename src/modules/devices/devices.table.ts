import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";
import { users } from "../users/users.table";

/**
 * An MT5 Expert Advisor. Its secret is derived from MASTER_KEY, the id and keyVersion, never
 * stored; rotation bumps keyVersion.
 */
export const devices = pgTable(
  "devices",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    keyVersion: integer("key_version").notNull().default(1),
    createdAt: tstz("created_at").notNull(),
    updatedAt: tstz("updated_at").notNull(),
    /** Written in batches from memory, so it may trail the truth by a few seconds. */
    lastSeenAt: tstz("last_seen_at"),
    /** When the owner was last told this device went offline with signals waiting. */
    offlineNotifiedAt: tstz("offline_notified_at"),
    revokedAt: tstz("revoked_at"),
  },
  (t) => [
    uniqueIndex("devices_user_name_key").on(t.userId, t.name).where(sql`${t.revokedAt} is null`),
    index("devices_user_idx").on(t.userId),
  ],
);

export type DeviceRow = typeof devices.$inferSelect;
