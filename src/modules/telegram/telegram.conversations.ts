import { and, eq, gt } from "drizzle-orm";
import { isAnyOfBigints } from "../../db/arrays";
import type { Executor } from "../../db/client";
import { Batcher } from "../../shared/batcher";
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

const BATCHING = { maxBatch: 200, maxInFlight: 4 };

/**
 * What every update does with the open question, grouped over the updates being handled at
 * once (a burst of commands costs a few statements, not one each): a command abandons it, a
 * plain message takes it. One person's updates are handled one at a time, so no two of a batch
 * are the same person's.
 */
export type ConversationBatches = ReturnType<typeof conversationBatches>;

export function conversationBatches(db: Executor) {
  const person = (id: number) => String(id);
  const clears = new Batcher<number, void>(
    async (ids) => {
      await db.delete(telegramConversations).where(isAnyOfBigints(telegramConversations.telegramUserId, ids));
      return ids.map(() => undefined);
    },
    person,
    BATCHING,
  );
  const takes = new Batcher<{ telegramUserId: number; now: Date }, OpenQuestion | undefined>(
    async (items) => {
      // An expired question is deleted along with the rest: it is no question anyway.
      const rows = await db
        .delete(telegramConversations)
        .where(
          isAnyOfBigints(
            telegramConversations.telegramUserId,
            items.map((i) => i.telegramUserId),
          ),
        )
        .returning({
          telegramUserId: telegramConversations.telegramUserId,
          kind: telegramConversations.kind,
          data: telegramConversations.data,
          expiresAt: telegramConversations.expiresAt,
        });
      const byPerson = new Map(rows.map((r) => [r.telegramUserId, r]));
      return items.map(({ telegramUserId, now }) => {
        const row = byPerson.get(telegramUserId);
        return row && row.expiresAt > now ? { kind: row.kind, data: row.data } : undefined;
      });
    },
    (item) => person(item.telegramUserId),
    BATCHING,
  );
  return {
    clear: (telegramUserId: number) => clears.submit(telegramUserId),
    take: (telegramUserId: number, now: Date) => takes.submit({ telegramUserId, now }),
  };
}
