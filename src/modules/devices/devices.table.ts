import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";
import { users } from "../users/users.table";
import type { DeviceSettingsInput } from "./devices.settings";

/** The MT5 account an EA reported in its last hello (API.md §11). */
export interface DeviceAccount {
  login: string;
  server: string;
  company: string | null;
  currency: string | null;
  balance: number | null;
  leverage: number | null;
}

export interface DeviceClient {
  name: string;
  version: string;
}

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
    /** The owner's settings (API.md §11); null until first changed, when the defaults apply. */
    settings: jsonb("settings").$type<DeviceSettingsInput>(),
    /** 1 for the defaults, one more for every change. */
    settingsVersion: integer("settings_version").notNull().default(1),
    /** From the EA's last hello; null before the first. */
    account: jsonb("account").$type<DeviceAccount>(),
    client: jsonb("client").$type<DeviceClient>(),
    helloAt: tstz("hello_at"),
  },
  (t) => [
    uniqueIndex("devices_user_name_key").on(t.userId, t.name).where(sql`${t.revokedAt} is null`),
    index("devices_user_idx").on(t.userId),
  ],
);

export type DeviceRow = typeof devices.$inferSelect;
