import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  unique,
} from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";

export const CHANNEL_TIERS = ["premium", "vip", "enterprise"] as const;
export type ChannelTier = (typeof CHANNEL_TIERS)[number];
export const CHAT_TYPES = ["channel", "supergroup", "group"] as const;
export type ChatType = (typeof CHAT_TYPES)[number];

/**
 * A Telegram channel or group sold as access: people whose tier reaches `min_tier` may join.
 * `active` is false while the bot lacks the admin rights it needs there (it then neither admits
 * nor removes anyone, and the admins are told); a reconcile that finds the rights back restores it.
 */
export const channels = pgTable("channels", {
  id: text("id").primaryKey(),
  chatId: bigint("chat_id", { mode: "number" }).notNull().unique("channels_chat_id_key"),
  title: text("title").notNull(),
  type: text("type", { enum: CHAT_TYPES }).notNull(),
  minTier: text("min_tier", { enum: CHANNEL_TIERS }).notNull(),
  postSignals: boolean("post_signals").notNull(),
  /** The language of the bot's posts there: the linking admin's, changeable on the chat's card. */
  locale: text("locale").notNull().default("en"),
  active: boolean("active").notNull().default(true),
  /** Why the channel is inactive, in words an operator can act on. */
  inactiveReason: text("inactive_reason"),
  linkedBy: text("linked_by").notNull(),
  createdAt: tstz("created_at").notNull(),
  updatedAt: tstz("updated_at").notNull(),
});

export const MEMBER_STATUSES = [
  /** A personal join-request link was made for them; they have not joined. */
  "invited",
  /** In the chat: admitted by the bot, or seen joining (admitted by hand). */
  "member",
  /** Stopped qualifying: the bot is banning them. */
  "removing",
  /** Banned; the unban that lets them rejoin after paying is next. */
  "unbanning",
  "removed",
  "declined",
  "left",
] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** What the bot knows of one person in one linked chat; the removal work is driven from here. */
export const channelMembers = pgTable(
  "channel_members",
  {
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    telegramUserId: bigint("telegram_user_id", { mode: "number" }).notNull(),
    status: text("status", { enum: MEMBER_STATUSES }).notNull(),
    inviteLink: text("invite_link"),
    removeReason: text("remove_reason"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    /** When the removal work may next try this row (a failure backs off). */
    nextAttemptAt: tstz("next_attempt_at"),
    updatedAt: tstz("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.channelId, t.telegramUserId] }),
    index("channel_members_status_idx").on(t.status, t.nextAttemptAt),
    index("channel_members_user_idx").on(t.telegramUserId),
  ],
);

export const POST_KINDS = ["entry", "update", "outcome"] as const;
export type PostKind = (typeof POST_KINDS)[number];

/**
 * Posts of signals into channels: the entry, each update as a reply to it, and the edit of the
 * entry with the outcome. Rows are written in the signal's own transaction and sent by the
 * channels' post worker through the paced sender; `message_id` is the channel's message.
 */
export const channelPosts = pgTable(
  "channel_posts",
  {
    id: text("id").primaryKey(),
    seq: bigserial("seq", { mode: "number" }).notNull(),
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    chatId: bigint("chat_id", { mode: "number" }).notNull(),
    signalId: text("signal_id").notNull(),
    /** For an update's reply: the update; null for the entry and the outcome. */
    updateId: text("update_id"),
    kind: text("kind", { enum: POST_KINDS }).notNull(),
    text: text("text").notNull(),
    status: text("status", { enum: ["pending", "sending", "sent", "failed"] })
      .notNull()
      .default("pending"),
    messageId: bigint("message_id", { mode: "number" }),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    nextAttemptAt: tstz("next_attempt_at").notNull(),
    /** While one sender holds the row ("sending"); a lapsed lock means its sender died. */
    lockedUntil: tstz("locked_until"),
    createdAt: tstz("created_at").notNull(),
    sentAt: tstz("sent_at"),
  },
  (t) => [
    unique("channel_posts_once_key").on(t.channelId, t.signalId, t.kind, t.updateId).nullsNotDistinct(),
    index("channel_posts_due_idx").on(t.status, t.nextAttemptAt, t.seq),
    check("channel_posts_attempts_non_negative", sql`${t.attempts} >= 0`),
  ],
);

export type ChannelRow = typeof channels.$inferSelect;
export type ChannelMemberRow = typeof channelMembers.$inferSelect;
export type ChannelPostRow = typeof channelPosts.$inferSelect;
