import { and, eq, inArray, lt, lte, or, sql } from "drizzle-orm";
import type { InlineKeyboardMarkup } from "grammy/types";
import { rowsOf } from "../../db/arrays";
import type { Executor } from "../../db/client";
import { parsePgTimestamp } from "../../db/columns";
import { newId } from "../../shared/ids";
import { type OutboxRow, telegramOutbox } from "./telegram.table";

export interface OutgoingMessage {
  chatId: number;
  text: string;
  replyMarkup?: InlineKeyboardMarkup;
  /** Same key twice queues one message: events may be delivered more than once. */
  dedupeKey?: string;
}

export interface OutgoingEdit extends OutgoingMessage {
  /** The dedupe key of the message to edit. */
  editOf: string;
}

function payloadOf(msg: OutgoingMessage): Record<string, unknown> {
  return {
    text: msg.text,
    parse_mode: "HTML",
    link_preview_options: { is_disabled: true },
    ...(msg.replyMarkup ? { reply_markup: msg.replyMarkup } : {}),
  };
}

/**
 * The outbox of outgoing Telegram messages. Writers call it inside their own transaction when
 * the message must not be lost with the change that caused it; one paced sender empties it.
 * Times here are wall-clock milliseconds: they schedule I/O, not business.
 */
export function outboxRepository(db: Executor) {
  const insert = (values: (typeof telegramOutbox.$inferInsert)[]) =>
    values.length === 0
      ? Promise.resolve([])
      : db
          .insert(telegramOutbox)
          .values(values)
          .onConflictDoNothing({ target: telegramOutbox.dedupeKey })
          .returning({ id: telegramOutbox.id });

  const row = (
    msg: OutgoingMessage,
    now: number,
    extra: Partial<typeof telegramOutbox.$inferInsert> = {},
  ) => ({
    id: newId("tgo", now),
    dedupeKey: msg.dedupeKey ?? null,
    chatId: msg.chatId,
    method: "sendMessage" as const,
    payload: payloadOf(msg),
    nextAttemptAt: new Date(now),
    createdAt: new Date(now),
    ...extra,
  });

  return {
    async enqueue(messages: OutgoingMessage[], now = Date.now()): Promise<number> {
      return (await insert(messages.map((m) => row(m, now)))).length;
    },
    async enqueueEdit(edit: OutgoingEdit, now = Date.now()): Promise<number> {
      return (await insert([row(edit, now, { method: "editMessageText", editOf: edit.editOf })])).length;
    },

    /**
     * Takes due rows for this sender. SKIP LOCKED and the status flip make a row belong to one
     * sender at a time; a row whose sender died is taken again once its lock has lapsed.
     */
    async claim(limit: number, now: number, lockMs: number): Promise<OutboxRow[]> {
      const at = new Date(now);
      const due = db
        .select({ id: telegramOutbox.id })
        .from(telegramOutbox)
        .where(
          or(
            and(eq(telegramOutbox.status, "pending"), lte(telegramOutbox.nextAttemptAt, at)),
            and(eq(telegramOutbox.status, "sending"), lt(telegramOutbox.lockedUntil, at)),
          ),
        )
        .orderBy(telegramOutbox.seq)
        .limit(limit)
        .for("update", { skipLocked: true });
      const rows = await db
        .update(telegramOutbox)
        .set({ status: "sending", lockedUntil: new Date(now + lockMs) })
        .where(inArray(telegramOutbox.id, due))
        .returning();
      return rows.sort((a, b) => a.seq - b.seq);
    },

    /**
     * When the next row becomes claimable: the earliest pending row's attempt time, or the
     * earliest lock that lapses (a sender that died); null when nothing is pending or sending.
     * What the sender sleeps until when idle, so a scheduled retry goes out on time.
     */
    async nextDueAt(): Promise<Date | null> {
      const o = telegramOutbox;
      const result = await db.execute(sql`
        select least(
          (select min(${o.nextAttemptAt}) from ${o} where ${o.status} = 'pending'),
          (select min(${o.lockedUntil}) from ${o} where ${o.status} = 'sending')) as at`);
      // PGlite answers a Date, node-postgres the timestamptz text.
      const [row] = rowsOf<{ at: string | Date | null }>(result);
      return row?.at == null ? null : parsePgTimestamp(row.at);
    },

    async markSent(id: string, messageId: number | null, now: number): Promise<void> {
      await db
        .update(telegramOutbox)
        .set({ status: "sent", messageId, sentAt: new Date(now), lockedUntil: null, lastError: null })
        .where(eq(telegramOutbox.id, id));
    },
    /** Back to pending for a later try; `failure` counts towards the attempt limit. */
    async reschedule(id: string, at: number, failure?: string): Promise<void> {
      await db
        .update(telegramOutbox)
        .set({
          status: "pending",
          nextAttemptAt: new Date(at),
          lockedUntil: null,
          ...(failure
            ? { attempts: sql`${telegramOutbox.attempts} + 1`, lastError: failure.slice(0, 500) }
            : {}),
        })
        .where(eq(telegramOutbox.id, id));
    },
    async markFailed(id: string, error: string): Promise<void> {
      await db
        .update(telegramOutbox)
        .set({
          status: "failed",
          lockedUntil: null,
          attempts: sql`${telegramOutbox.attempts} + 1`,
          lastError: error.slice(0, 500),
        })
        .where(eq(telegramOutbox.id, id));
    },
    async findByKey(dedupeKey: string): Promise<OutboxRow | undefined> {
      const [found] = await db.select().from(telegramOutbox).where(eq(telegramOutbox.dedupeKey, dedupeKey));
      return found;
    },
    /** Rows not yet sent or given up on: what a drain waits for. */
    async unsettledCount(): Promise<number> {
      const [count] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(telegramOutbox)
        .where(inArray(telegramOutbox.status, ["pending", "sending"]));
      return count?.n ?? 0;
    },
  };
}
