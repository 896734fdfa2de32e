import { integer, pgTable, text } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";

/** A strategy that publishes signals with a signature; its secret is derived like a device's. */
export const producers = pgTable("producers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  keyVersion: integer("key_version").notNull().default(1),
  /** The admin who created it, or null when the CLI did. */
  createdBy: text("created_by"),
  createdAt: tstz("created_at").notNull(),
  revokedAt: tstz("revoked_at"),
  /** SHA-256 (hex) of the alert webhook token: the token itself is shown once and never stored. */
  alertTokenHash: text("alert_token_hash").unique(),
});

export type ProducerRow = typeof producers.$inferSelect;
