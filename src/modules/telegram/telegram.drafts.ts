import { and, eq, gt } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { newId } from "../../shared/ids";
import { type DraftKind, type DraftRow, telegramDrafts } from "./telegram.table";

/** A preview older than this is not sent: prices and the audience may have moved since. */
export const DRAFT_VALID_MS = 60 * 60_000;

export type DraftOutcome = "sent" | "cancelled";

/** The admins' drafts (/signal, /broadcast) between their preview and Send or Cancel. */
export function draftsRepository(db: Executor) {
  return {
    async create(kind: DraftKind, createdBy: string, body: Record<string, unknown>, now: Date) {
      const [row] = await db
        .insert(telegramDrafts)
        .values({ id: newId("drf", now.getTime()), kind, createdBy, body, createdAt: now })
        .returning();
      return row!;
    },
    byId: async (id: string): Promise<DraftRow | undefined> =>
      (await db.select().from(telegramDrafts).where(eq(telegramDrafts.id, id)))[0],
    /**
     * Settles a pending, unexpired draft once: the conditional update is the only way out of
     * `pending`, so of two presses (a double tap, two instances) exactly one gets the row.
     */
    async settle(id: string, outcome: DraftOutcome, now: Date): Promise<DraftRow | undefined> {
      const [row] = await db
        .update(telegramDrafts)
        .set({ status: outcome, settledAt: now })
        .where(
          and(
            eq(telegramDrafts.id, id),
            eq(telegramDrafts.status, "pending"),
            gt(telegramDrafts.createdAt, new Date(now.getTime() - DRAFT_VALID_MS)),
          ),
        )
        .returning();
      return row;
    },
    /** Gives a Send back when the publish was refused, so the admin may retry or cancel. */
    async reopen(id: string): Promise<void> {
      await db
        .update(telegramDrafts)
        .set({ status: "pending", settledAt: null })
        .where(eq(telegramDrafts.id, id));
    },
  };
}
