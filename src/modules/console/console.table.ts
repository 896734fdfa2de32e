import { index, pgTable, text } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";
import { users } from "../users/users.table";

/**
 * A single-use sign-in link for the web console. Only the SHA-256 of its token is stored, so a
 * leaked database row cannot be replayed; `usedAt` is set by the one conditional update that
 * redeems it.
 */
export const consoleLinks = pgTable("console_links", {
  tokenHash: text("token_hash").primaryKey(),
  userId: text("user_id")
    .notNull()
    .references(() => users.id),
  /** Where the link was minted: "api", "cli" or "bot", for the audit trail. */
  via: text("via").notNull(),
  createdAt: tstz("created_at").notNull(),
  expiresAt: tstz("expires_at").notNull(),
  usedAt: tstz("used_at"),
});

/** A browser signed in to the console. The cookie holds the token; the row holds its hash. */
export const consoleSessions = pgTable(
  "console_sessions",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    userAgent: text("user_agent"),
    ip: text("ip"),
    createdAt: tstz("created_at").notNull(),
    expiresAt: tstz("expires_at").notNull(),
    revokedAt: tstz("revoked_at"),
  },
  (t) => [index("console_sessions_user_idx").on(t.userId, t.id)],
);

export type ConsoleSessionRow = typeof consoleSessions.$inferSelect;
