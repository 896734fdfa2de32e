import { and, inArray, lt } from "drizzle-orm";
import type { Logger } from "pino";
import type { Executor } from "../../db/client";
import { telegramConversations, telegramOutbox, telegramUpdates } from "./telegram.table";

const DAY_MS = 86_400_000;
/** Telegram stops redelivering an update within a day; a month of history is kept for support. */
export const UPDATE_RETENTION_MS = 30 * DAY_MS;
/** Sent messages are kept while a later edit (a signal decided) may still need their message id. */
export const OUTBOX_RETENTION_MS = 14 * DAY_MS;

/** Keeps the bot's tables from growing without bound; wall-clock, hourly. */
export function createMaintenance(deps: { db: Executor; logger: Logger; intervalMs?: number }) {
  let timer: NodeJS.Timeout | undefined;

  async function prune(now = Date.now()): Promise<void> {
    await deps.db
      .delete(telegramUpdates)
      .where(lt(telegramUpdates.receivedAt, new Date(now - UPDATE_RETENTION_MS)));
    await deps.db.delete(telegramConversations).where(lt(telegramConversations.expiresAt, new Date(now)));
    await deps.db
      .delete(telegramOutbox)
      .where(
        and(
          inArray(telegramOutbox.status, ["sent", "failed"]),
          lt(telegramOutbox.createdAt, new Date(now - OUTBOX_RETENTION_MS)),
        ),
      );
  }

  return {
    prune,
    start(): void {
      if (timer) return;
      timer = setInterval(() => {
        prune().catch((err) => deps.logger.warn({ err }, "telegram housekeeping failed"));
      }, deps.intervalMs ?? 3_600_000);
      timer.unref();
    },
    stop(): void {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
