import { and, asc, eq, inArray, lt, lte, or, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import type { DomainEvents, UnitOfWork } from "../../shared/events";
import { newId } from "../../shared/ids";
import { signalUpdates } from "../signals/signals.table";
import { outcomePostText, signalPostText, tiersReceiving, updatePostText } from "./channels.models";
import { BotCallError, type ChannelsBotPort, type ChannelWords } from "./channels.port";
import type { ChannelsService } from "./channels.service";
import { type ChannelPostRow, channelPosts, channels } from "./channels.table";

const BATCH = 25;
const LOCK_MS = 30_000;
const MAX_ATTEMPTS = 8;
const backoffMs = (attempt: number) => Math.min(60_000, 1_000 * 2 ** attempt);

/**
 * Signal posts in channels with `postSignals` (API.md §12): the rows are written in the signal's
 * own transaction (a post is never lost with a crash after the commit) and sent by `sendDue`
 * through the paced sender; updates reply to the entry's message, and a close edits it.
 */
export function createChannelPosts(deps: {
  db: Executor;
  clock: Clock;
  logger: Logger;
  channels: Pick<ChannelsService, "botStatusChanged">;
  bot: () => ChannelsBotPort | undefined;
  words: ChannelWords;
}) {
  const { db, clock } = deps;

  async function signalPublished(e: DomainEvents["signals.published"], uow: UnitOfWork): Promise<void> {
    const targets = await uow.tx
      .select({ id: channels.id, chatId: channels.chatId, locale: channels.locale })
      .from(channels)
      .where(
        and(
          eq(channels.postSignals, true),
          eq(channels.active, true),
          inArray(channels.minTier, tiersReceiving(e.signal.minTier)),
        ),
      );
    if (targets.length === 0) return;
    const now = clock.now();
    await uow.tx
      .insert(channelPosts)
      .values(
        targets.map((c) => ({
          id: newId("chp", now.getTime()),
          channelId: c.id,
          chatId: c.chatId,
          signalId: e.signal.id,
          kind: "entry" as const,
          text: signalPostText(e.signal, deps.words.in(c.locale)),
          nextAttemptAt: now,
          createdAt: now,
        })),
      )
      .onConflictDoNothing();
  }

  async function signalUpdated(e: DomainEvents["signals.updated"], uow: UnitOfWork): Promise<void> {
    const entries = await uow.tx
      .select({ channelId: channelPosts.channelId, chatId: channelPosts.chatId, locale: channels.locale })
      .from(channelPosts)
      .innerJoin(channels, eq(channels.id, channelPosts.channelId))
      .where(and(eq(channelPosts.signalId, e.signal.id), eq(channelPosts.kind, "entry")));
    if (entries.length === 0) return;
    const now = clock.now();
    const post = (c: (typeof entries)[number]) => ({
      channelId: c.channelId,
      chatId: c.chatId,
      signalId: e.signal.id,
      nextAttemptAt: now,
      createdAt: now,
    });
    const rows: (typeof channelPosts.$inferInsert)[] = entries.map((c) => ({
      ...post(c),
      id: newId("chp", now.getTime()),
      updateId: e.update.id,
      kind: "update" as const,
      text: updatePostText(e.update, e.signal, deps.words.in(c.locale)),
    }));
    if (e.update.action === "close") {
      const history = await uow.tx
        .select()
        .from(signalUpdates)
        .where(eq(signalUpdates.signalId, e.signal.id))
        .orderBy(asc(signalUpdates.seq));
      const closedAt = e.signal.closedAt ?? now;
      for (const c of entries) {
        const words = deps.words.in(c.locale);
        rows.push({
          ...post(c),
          id: newId("chp", now.getTime()),
          updateId: null,
          kind: "outcome",
          text: outcomePostText(e.signal, history, closedAt, e.signal.entryPrice, words),
        });
      }
    }
    await uow.tx.insert(channelPosts).values(rows).onConflictDoNothing();
  }

  async function claim(now: Date): Promise<ChannelPostRow[]> {
    const due = db
      .select({ id: channelPosts.id })
      .from(channelPosts)
      .where(
        or(
          and(eq(channelPosts.status, "pending"), lte(channelPosts.nextAttemptAt, now)),
          and(eq(channelPosts.status, "sending"), lt(channelPosts.lockedUntil, now)),
        ),
      )
      .orderBy(asc(channelPosts.seq))
      .limit(BATCH)
      .for("update", { skipLocked: true });
    const rows = await db
      .update(channelPosts)
      .set({ status: "sending", lockedUntil: new Date(now.getTime() + LOCK_MS) })
      .where(inArray(channelPosts.id, due))
      .returning();
    return rows.sort((a, b) => a.seq - b.seq);
  }

  const set = (id: string, values: Partial<typeof channelPosts.$inferInsert>) =>
    db
      .update(channelPosts)
      .set({ lockedUntil: null, ...values })
      .where(eq(channelPosts.id, id));

  async function entryOf(row: ChannelPostRow): Promise<ChannelPostRow | undefined> {
    const [entry] = await db
      .select()
      .from(channelPosts)
      .where(
        and(
          eq(channelPosts.channelId, row.channelId),
          eq(channelPosts.signalId, row.signalId),
          eq(channelPosts.kind, "entry"),
        ),
      );
    return entry;
  }

  async function deliver(bot: ChannelsBotPort, row: ChannelPostRow): Promise<void> {
    const now = clock.now();
    const entry = row.kind === "entry" ? row : await entryOf(row);
    if (row.kind !== "entry" && entry?.status !== "sent" && entry?.status !== "failed") {
      await set(row.id, { status: "pending", nextAttemptAt: new Date(now.getTime() + 1_000) });
      return;
    }
    const target = entry?.status === "sent" ? (entry.messageId ?? undefined) : undefined;
    try {
      if (row.kind === "entry") {
        const messageId = await bot.post(row.chatId, row.text);
        await set(row.id, { status: "sent", messageId, sentAt: now });
      } else if (row.kind === "update") {
        const messageId = await bot.post(row.chatId, row.text, target);
        await set(row.id, { status: "sent", messageId, sentAt: now });
      } else if (target === undefined) {
        await set(row.id, { status: "failed", lastError: "the post to edit was never sent" });
      } else {
        await bot.edit(row.chatId, target, row.text);
        await set(row.id, { status: "sent", messageId: target, sentAt: now });
      }
    } catch (err) {
      await failed(row, err, now);
    }
  }

  async function failed(row: ChannelPostRow, err: unknown, now: Date): Promise<void> {
    const reason = err instanceof Error ? err.message : String(err);
    if (err instanceof BotCallError && /message is not modified/i.test(err.description)) {
      await set(row.id, { status: "sent", sentAt: now });
      return;
    }
    if (err instanceof BotCallError && err.rightsLost)
      await deps.channels.botStatusChanged(row.chatId, { status: "left" });
    const attempt = row.attempts + 1;
    const final =
      attempt >= MAX_ATTEMPTS || (err instanceof BotCallError && err.code === 400 && !err.rightsLost);
    deps.logger.warn({ postId: row.id, reason, final }, "a channel post was refused");
    await set(row.id, {
      status: final ? "failed" : "pending",
      attempts: sql`${channelPosts.attempts} + 1` as never,
      lastError: reason.slice(0, 500),
      nextAttemptAt: new Date(now.getTime() + backoffMs(attempt)),
    });
  }

  /** Sends the posts that are due, in the order they were written; returns how many it took. */
  async function sendDue(): Promise<number> {
    const bot = deps.bot();
    if (!bot) return 0;
    let taken = 0;
    for (;;) {
      const rows = await claim(clock.now());
      if (rows.length === 0) return taken;
      taken += rows.length;
      for (const row of rows) await deliver(bot, row);
    }
  }

  return { signalPublished, signalUpdated, sendDue };
}
