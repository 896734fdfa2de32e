import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { Update } from "grammy/types";
import { tstz } from "../../db/columns";

export const UPDATE_STATUSES = ["received", "handling", "handled", "failed", "dropped", "duplicate"] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

/**
 * Every update Telegram delivered, once: the primary key on update_id is what makes a
 * redelivery a no-op. A redelivery only bumps `deliveries` (and counts as status "duplicate"
 * in telegram_updates_total); the row keeps the first delivery's outcome.
 */
export const telegramUpdates = pgTable(
  "telegram_updates",
  {
    updateId: bigint("update_id", { mode: "number" }).primaryKey(),
    telegramUserId: bigint("telegram_user_id", { mode: "number" }),
    kind: text("kind").notNull(),
    command: text("command"),
    status: text("status", { enum: UPDATE_STATUSES }).notNull(),
    error: text("error"),
    deliveries: integer("deliveries").notNull().default(1),
    receivedAt: tstz("received_at").notNull(),
    handledAt: tstz("handled_at"),
    durationMs: integer("duration_ms"),
    /**
     * The update itself, kept from acknowledgement until its handler has finished: an update
     * Telegram will never send again must survive a crash in between (see telegram.resume.ts).
     */
    payload: jsonb("payload").$type<Update>(),
    /** When a handler took it (status "handling"); a stale claim means its process died. */
    claimedAt: tstz("claimed_at"),
  },
  (t) => [
    index("telegram_updates_received_idx").on(t.receivedAt),
    index("telegram_updates_unfinished_idx").on(t.updateId).where(sql`${t.payload} is not null`),
  ],
);

/**
 * A question the bot asked and is waiting for a text answer to (e.g. a new device's name).
 * Kept in the database so a restart or another instance picks the conversation up.
 */
export const CONVERSATION_KINDS = [
  "device_name",
  "device_setting",
  "payout_reference",
  "payout_reason",
  "coupon_code",
] as const;
export type ConversationKind = (typeof CONVERSATION_KINDS)[number];

export const telegramConversations = pgTable("telegram_conversations", {
  telegramUserId: bigint("telegram_user_id", { mode: "number" }).primaryKey(),
  kind: text("kind", { enum: CONVERSATION_KINDS }).notNull(),
  data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
  expiresAt: tstz("expires_at").notNull(),
});

/**
 * Button presses that must take effect once: the first press of a button on a message claims
 * its key (chat, message, action), a second press (a double tap, or the same update handled on
 * two instances) finds it taken. Pruned after a few days.
 */
export const telegramPresses = pgTable(
  "telegram_presses",
  {
    key: text("key").primaryKey(),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [index("telegram_presses_created_idx").on(t.createdAt)],
);

export const DRAFT_KINDS = ["signal", "broadcast"] as const;
export type DraftKind = (typeof DRAFT_KINDS)[number];
export const DRAFT_STATUSES = ["pending", "sent", "cancelled"] as const;

/**
 * What an admin asked to send (a /signal or a /broadcast), held while its preview waits for
 * Send or Cancel. The first press settles it (a conditional update from `pending`), so a double
 * tap, or the same press handled on two instances, publishes or broadcasts once.
 */
export const telegramDrafts = pgTable(
  "telegram_drafts",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: DRAFT_KINDS }).notNull(),
    createdBy: text("created_by").notNull(),
    body: jsonb("body").$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: DRAFT_STATUSES }).notNull().default("pending"),
    createdAt: tstz("created_at").notNull(),
    settledAt: tstz("settled_at"),
  },
  (t) => [index("telegram_drafts_created_idx").on(t.createdAt)],
);
export type DraftRow = typeof telegramDrafts.$inferSelect;

export const OUTBOX_STATUSES = ["pending", "sending", "sent", "failed"] as const;

/**
 * Messages waiting to go out through the one paced sender. `dedupe_key` makes enqueueing
 * idempotent (an event handled twice queues one message); `message_id` remembers what was sent
 * so a later edit (a signal decided) can find it.
 */
export const telegramOutbox = pgTable(
  "telegram_outbox",
  {
    id: text("id").primaryKey(),
    /** Send order: ids made in the same millisecond do not sort by creation, this does. */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    dedupeKey: text("dedupe_key"),
    chatId: bigint("chat_id", { mode: "number" }).notNull(),
    method: text("method", { enum: ["sendMessage", "editMessageText"] }).notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    /** For an edit: the dedupe key of the message it edits (its message id is known once sent). */
    editOf: text("edit_of"),
    status: text("status", { enum: OUTBOX_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: tstz("next_attempt_at").notNull(),
    lockedUntil: tstz("locked_until"),
    lastError: text("last_error"),
    messageId: bigint("message_id", { mode: "number" }),
    createdAt: tstz("created_at").notNull(),
    sentAt: tstz("sent_at"),
  },
  (t) => [
    uniqueIndex("telegram_outbox_dedupe_key").on(t.dedupeKey),
    index("telegram_outbox_due_idx").on(t.status, t.nextAttemptAt, t.seq),
    check("telegram_outbox_attempts_non_negative", sql`${t.attempts} >= 0`),
  ],
);

export type TelegramUpdateRow = typeof telegramUpdates.$inferSelect;
export type OutboxRow = typeof telegramOutbox.$inferSelect;
