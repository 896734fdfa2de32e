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
import { PAID_LEVELS } from "../catalog/catalog.models";
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
    minTier: text("min_tier", { enum: PAID_LEVELS }).notNull(),
    note: text("note"),
    /** Fixed at publish: recipients never change afterwards. */
    recipientCount: integer("recipient_count").notNull(),
    createdAt: tstz("created_at").notNull(),
    expiresAt: tstz("expires_at").notNull(),
    cancelledAt: tstz("cancelled_at"),
    cancelledBy: text("cancelled_by"),
    /** The position the entry opens on devices: `closed` once a `close` update is published. */
    positionStatus: text("position_status", { enum: ["open", "closed"] })
      .notNull()
      .default("open"),
    closedAt: tstz("closed_at"),
    /** Stop loss and take profit as published (stopLoss/takeProfit follow modifies): R is measured from these. */
    initialStopLoss: doublePrecision("initial_stop_loss"),
    initialTakeProfit: doublePrecision("initial_take_profit"),
    /** The seq of the latest update; the row lock of its increment orders concurrent updates. */
    lastUpdateSeq: integer("last_update_seq").notNull().default(0),
  },
  (t) => [
    uniqueIndex("signals_external_id_key").on(t.publisherScope, t.externalId),
    index("signals_open_positions_idx").on(t.positionStatus, t.closedAt),
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

/** What the publisher did with the position after the entry, in order (API.md §10). */
export const signalUpdates = pgTable(
  "signal_updates",
  {
    id: text("id").primaryKey(),
    signalId: text("signal_id")
      .notNull()
      .references(() => signals.id),
    seq: integer("seq").notNull(),
    action: text("action", { enum: ["modify", "close", "close_partial"] }).notNull(),
    stopLoss: doublePrecision("stop_loss"),
    takeProfit: doublePrecision("take_profit"),
    fraction: doublePrecision("fraction"),
    note: text("note"),
    /** Like a signal's: a producer id or "admin", so a retried alert finds its first update. */
    publisherScope: text("publisher_scope").notNull(),
    externalId: text("external_id"),
    requestHash: text("request_hash").notNull(),
    createdByKind: text("created_by_kind", { enum: ["admin", "producer"] }).notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("signal_updates_seq_key").on(t.signalId, t.seq),
    uniqueIndex("signal_updates_external_id_key").on(t.publisherScope, t.externalId),
    check(
      "signal_updates_fraction_range",
      sql`${t.fraction} is null or (${t.fraction} > 0 and ${t.fraction} < 1)`,
    ),
  ],
);

export type SignalRow = typeof signals.$inferSelect;
export type SignalUpdateRow = typeof signalUpdates.$inferSelect;
export type RecipientRow = typeof signalRecipients.$inferSelect;
