import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";

/**
 * Work that must happen after a commit and may be retried (a Telegram message, say), written in
 * the same transaction as the change that causes it, so it is never lost and never sent for a
 * change that rolled back.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    topic: text("topic").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    createdAt: tstz("created_at").notNull(),
    sentAt: tstz("sent_at"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [index("outbox_unsent_idx").on(t.topic, t.id).where(sql`${t.sentAt} is null`)],
);

export type OutboxRow = typeof outbox.$inferSelect;
