import { integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";

/**
 * One row per (user, scope, key): the claim on an Idempotency-Key and, once the first request is
 * done, the response every repeat gets. The primary key settles concurrent duplicates.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    userId: text("user_id").notNull(),
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    /** Null while the first request is still running. */
    responseStatus: integer("response_status"),
    /** The JSON text sent the first time, replayed byte for byte. */
    responseBody: text("response_body"),
    createdAt: tstz("created_at").notNull(),
    lockedAt: tstz("locked_at").notNull(),
    completedAt: tstz("completed_at"),
  },
  (t) => [primaryKey({ name: "idempotency_keys_pkey", columns: [t.userId, t.scope, t.key] })],
);

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;
