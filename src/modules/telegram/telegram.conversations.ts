import { and, eq, gt } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { type ConversationKind, telegramConversations } from "./telegram.table";

export interface OpenQuestion {
  kind: ConversationKind;
  data: Record<string, unknown>;
}

/** Remembers the question the bot just asked this person (replacing any earlier one). */
export async function askFor(
  db: Executor,
  telegramUserId: number,
  kind: ConversationKind,
  expiresAt: Date,
  data: Record<string, unknown> = {},
): Promise<void> {
  await db
    .insert(telegramConversations)
    .values({ telegramUserId, kind, data, expiresAt })
    .onConflictDoUpdate({ target: telegramConversations.telegramUserId, set: { kind, data, expiresAt } });
}

/**
 * The open question a person's message answers, taken exactly once: the delete settles two
 * copies of one answer racing each other. An expired question is no question.
 */
export async function takeOpenQuestion(
  db: Executor,
  telegramUserId: number,
  now: Date,
): Promise<OpenQuestion | undefined> {
  const [row] = await db
    .delete(telegramConversations)
    .where(
      and(eq(telegramConversations.telegramUserId, telegramUserId), gt(telegramConversations.expiresAt, now)),
    )
    .returning({ kind: telegramConversations.kind, data: telegramConversations.data });
  return row;
}

export async function clearConversation(db: Executor, telegramUserId: number): Promise<void> {
  await db.delete(telegramConversations).where(eq(telegramConversations.telegramUserId, telegramUserId));
}
