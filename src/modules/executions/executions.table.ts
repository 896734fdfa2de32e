import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";
import { devices } from "../devices/devices.table";
import { signals, signalUpdates } from "../signals/signals.table";
import { users } from "../users/users.table";

/** What one device did with one signal; the unique index makes concurrent ACKs converge. */
export const executions = pgTable(
  "executions",
  {
    id: text("id").primaryKey(),
    signalId: text("signal_id")
      .notNull()
      .references(() => signals.id),
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    status: text("status", { enum: ["acked", "filled", "failed"] }).notNull(),
    price: doublePrecision("price"),
    volume: doublePrecision("volume"),
    brokerTicket: text("broker_ticket"),
    errorCode: integer("error_code"),
    errorMessage: text("error_message"),
    ackedAt: tstz("acked_at").notNull(),
    filledAt: tstz("filled_at"),
    failedAt: tstz("failed_at"),
    updatedAt: tstz("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("executions_signal_device_key").on(t.signalId, t.deviceId),
    index("executions_device_idx").on(t.deviceId),
    check("executions_fill_positive", sql`${t.price} is null or (${t.price} > 0 and ${t.volume} > 0)`),
  ],
);

/** Append-only history of what devices reported, in the order they reported it. */
export const executionEvents = pgTable(
  "execution_events",
  {
    // An identity, not a random id: events of one request (an implied ACK, then the fill)
    // must keep the order they were written in.
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    executionId: text("execution_id")
      .notNull()
      .references(() => executions.id),
    type: text("type", { enum: ["ack", "fill", "error"] }).notNull(),
    at: tstz("at").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index("execution_events_execution_idx").on(t.executionId, t.id)],
);

/** Closed trades of a device's account, bot and manual alike, for attribution disputes. */
export const trades = pgTable(
  "trades",
  {
    id: text("id").primaryKey(),
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    ticket: text("ticket").notNull(),
    signalId: text("signal_id").references(() => signals.id),
    instrument: text("instrument").notNull(),
    side: text("side", { enum: ["buy", "sell"] }).notNull(),
    volume: doublePrecision("volume").notNull(),
    openPrice: doublePrecision("open_price").notNull(),
    closePrice: doublePrecision("close_price").notNull(),
    profitMinor: bigint("profit_minor", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    openedAt: tstz("opened_at").notNull(),
    closedAt: tstz("closed_at").notNull(),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("trades_device_ticket_key").on(t.deviceId, t.ticket),
    index("trades_user_closed_idx").on(t.userId, t.closedAt),
  ],
);

/**
 * What each device that held the position did with each update: one final report per
 * (update, device). An update with no row here for a filled device is still pending for it.
 */
export const updateResults = pgTable(
  "update_results",
  {
    updateId: text("update_id")
      .notNull()
      .references(() => signalUpdates.id),
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.id),
    executionId: text("execution_id")
      .notNull()
      .references(() => executions.id),
    signalId: text("signal_id")
      .notNull()
      .references(() => signals.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    status: text("status", { enum: ["applied", "failed"] }).notNull(),
    errorCode: integer("error_code"),
    errorMessage: text("error_message"),
    closedVolume: doublePrecision("closed_volume"),
    closePrice: doublePrecision("close_price"),
    reportedAt: tstz("reported_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.updateId, t.deviceId] }),
    index("update_results_signal_idx").on(t.signalId),
  ],
);

export type ExecutionRow = typeof executions.$inferSelect;
export type ExecutionEventRow = typeof executionEvents.$inferSelect;
export type TradeRow = typeof trades.$inferSelect;
export type UpdateResultRow = typeof updateResults.$inferSelect;
