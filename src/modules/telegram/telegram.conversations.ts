import { and, eq, gt } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { telegramConversations } from "./telegram.table";

type Kind = (typeof telegramConversations.$inferInsert)["kind"];

/** Remembers the question the bot just asked this person (replacing any earlier one). */
export async function askFor(
  db: Executor,
  telegramUserId: number,
  kind: Kind,
  expiresAt: Date,
  data: Record<string, unknown> = {},
): Promise<void> {
  await db
    .insert(telegramConversations)
    .values({ telegramUserId, kind, data, expiresAt })
    .onConflictDoUpdate({ target: telegramConversations.telegramUserId, set: { kind, data, expiresAt } });
}

/**
 * The open question this person's message answers, taken exactly once: the delete settles two
 * copies of one answer racing each other.
 */
export async function takeAnswerFor(
  db: Executor,
  telegramUserId: number,
  kind: Kind,
  now: Date,
): Promise<Record<string, unknown> | undefined> {
  const [row] = await db
    .delete(telegramConversations)
    .where(
      and(
        eq(telegramConversations.telegramUserId, telegramUserId),
        eq(telegramConversations.kind, kind),
        gt(telegramConversations.expiresAt, now),
      ),
    )
    .returning({ data: telegramConversations.data });
  return row?.data;
}

export async function clearConversation(db: Executor, telegramUserId: number): Promise<void> {
  await db.delete(telegramConversations).where(eq(telegramConversations.telegramUserId, telegramUserId));
}
