import { and, inArray, lt } from "drizzle-orm";
import type { Executor } from "../../db/client";
import {
  telegramConversations,
  telegramDrafts,
  telegramOutbox,
  telegramPresses,
  telegramUpdates,
} from "./telegram.table";

const DAY_MS = 86_400_000;
/** Telegram stops redelivering an update within a day; a month of history is kept for support. */
export const UPDATE_RETENTION_MS = 30 * DAY_MS;
/** Sent messages are kept while a later edit (a signal decided) may still need their message id. */
export const OUTBOX_RETENTION_MS = 14 * DAY_MS;
/** Buttons of older messages are stale by then (orders expire within a day). */
export const PRESS_RETENTION_MS = 7 * DAY_MS;

/** Keeps the bot's own tables from growing without bound. */
export async function pruneTelegramTables(db: Executor, now = Date.now()): Promise<void> {
  await db.delete(telegramUpdates).where(lt(telegramUpdates.receivedAt, new Date(now - UPDATE_RETENTION_MS)));
  await db.delete(telegramConversations).where(lt(telegramConversations.expiresAt, new Date(now)));
  await db.delete(telegramPresses).where(lt(telegramPresses.createdAt, new Date(now - PRESS_RETENTION_MS)));
  await db.delete(telegramDrafts).where(lt(telegramDrafts.createdAt, new Date(now - PRESS_RETENTION_MS)));
  await db
    .delete(telegramOutbox)
    .where(
      and(
        inArray(telegramOutbox.status, ["sent", "failed"]),
        lt(telegramOutbox.createdAt, new Date(now - OUTBOX_RETENTION_MS)),
      ),
    );
}
