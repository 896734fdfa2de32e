import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";
import { users } from "../users/users.table";

export const signals = pgTable(
  "signals",
  {
    id: text("id").primaryKey(),
    /** Who may reuse an externalId: a producer id, or "admin" for every admin. */
    publisherScope: text("publisher_scope").notNull(),
    externalId: text("external_id"),
    /** SHA-256 of the normalised publish body: a repeat with the same externalId must match it. */
    requestHash: text("request_hash").notNull(),
    publishedByKind: text("published_by_kind", { enum: ["admin", "producer"] }).notNull(),
    publishedBy: text("published_by").notNull(),
    instrument: text("instrument").notNull(),
    side: text("side", { enum: ["buy", "sell"] }).notNull(),
    orderType: text("order_type", { enum: ["market", "limit", "stop"] }).notNull(),
    entryPrice: doublePrecision("entry_price"),
    stopLoss: doublePrecision("stop_loss"),
    takeProfit: doublePrecision("take_profit"),
    volume: doublePrecision("volume"),
    minTier: text("min_tier", { enum: ["premium", "vip", "enterprise"] }).notNull(),
    note: text("note"),
    /** Fixed at publish: recipients never change afterwards. */
    recipientCount: integer("recipient_count").notNull(),
    createdAt: tstz("created_at").notNull(),
    expiresAt: tstz("expires_at").notNull(),
    cancelledAt: tstz("cancelled_at"),
    cancelledBy: text("cancelled_by"),
  },
  (t) => [
    uniqueIndex("signals_external_id_key").on(t.publisherScope, t.externalId),
    check("signals_expiry_after_creation", sql`${t.expiresAt} > ${t.createdAt}`),
  ],
);

/** One row per addressed user; the decision changes once, from pending. */
export const signalRecipients = pgTable(
  "signal_recipients",
  {
    signalId: text("signal_id")
      .notNull()
      .references(() => signals.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    decision: text("decision", { enum: ["pending", "approved", "rejected"] }).notNull(),
    decidedAt: tstz("decided_at"),
    /** Approved at publish because the user had auto-approve on and the feature for it. */
    auto: boolean("auto").notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.signalId, t.userId] }),
    index("signal_recipients_user_idx").on(t.userId, t.signalId),
  ],
);

export type SignalRow = typeof signals.$inferSelect;
export type RecipientRow = typeof signalRecipients.$inferSelect;
