import { and, asc, count, gt, inArray, isNull } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { users } from "../users/users.table";
import { type Locale, localeOf } from "./telegram.i18n";
import type { outboxRepository } from "./telegram.outbox";

const CHUNK = 1_000;

/** Where and in which language to tell a user something. */
export interface Recipient {
  chatId: number;
  locale: Locale;
}

/** The chat and language of each user, for messages composed outside an update. */
export async function recipientsOf(db: Executor, userIds: string[]): Promise<Map<string, Recipient>> {
  const out = new Map<string, Recipient>();
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const rows = await db
      .select({
        id: users.id,
        telegramId: users.telegramId,
        locale: users.locale,
        languageCode: users.languageCode,
      })
      .from(users)
      .where(and(inArray(users.id, userIds.slice(i, i + CHUNK)), isNull(users.unreachableAt)));
    for (const r of rows) out.set(r.id, { chatId: r.telegramId, locale: localeOf(r.locale, r.languageCode) });
  }
  return out;
}

/** The language of each person by Telegram id (admins are known by it); unknown people are left out. */
export async function localesOfChats(db: Executor, telegramIds: number[]): Promise<Map<number, Locale>> {
  if (telegramIds.length === 0) return new Map();
  const rows = await db
    .select({ telegramId: users.telegramId, locale: users.locale, languageCode: users.languageCode })
    .from(users)
    .where(inArray(users.telegramId, telegramIds));
  return new Map(rows.map((r) => [r.telegramId, localeOf(r.locale, r.languageCode)]));
}

/**
 * Telegram chat ids of users (a private chat's id is the person's Telegram id); a read of users.
 * Users who blocked the bot are left out, here and in every list below.
 */
export async function chatIdsOf(db: Executor, userIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const rows = await db
      .select({ id: users.id, telegramId: users.telegramId })
      .from(users)
      .where(and(inArray(users.id, userIds.slice(i, i + CHUNK)), isNull(users.unreachableAt)));
    for (const r of rows) out.set(r.id, r.telegramId);
  }
  return out;
}

/** Every user, page by page (broadcasts), in id order so a page boundary never skips anyone. */
export async function* allChats(db: Executor): AsyncGenerator<{ id: string; telegramId: number }[]> {
  let after = "";
  for (;;) {
    const page = await db
      .select({ id: users.id, telegramId: users.telegramId, unreachableAt: users.unreachableAt })
      .from(users)
      .where(gt(users.id, after))
      .orderBy(asc(users.id))
      .limit(CHUNK);
    if (page.length === 0) return;
    yield page.filter((u) => u.unreachableAt === null);
    after = page.at(-1)!.id;
  }
}

/** How many people a broadcast would reach now (everyone but those who blocked the bot). */
export async function countReachable(db: Executor): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users).where(isNull(users.unreachableAt));
  return row?.n ?? 0;
}

/**
 * Queues one message per user in the paced outbox (≤ 25/s, honouring retry_after), keyed by
 * broadcast and user so a retried broadcast sends nothing twice. `html` is already escaped.
 */
export async function broadcastToAll(
  db: Executor,
  outbox: ReturnType<typeof outboxRepository>,
  poke: () => void,
  broadcastId: string,
  html: string,
): Promise<number> {
  let queued = 0;
  for await (const page of allChats(db)) {
    queued += await outbox.enqueue(
      page.map((u) => ({ chatId: u.telegramId, text: html, dedupeKey: `${broadcastId}:${u.id}` })),
    );
    poke();
  }
  return queued;
}
