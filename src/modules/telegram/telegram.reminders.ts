import { and, eq, gt, isNull, max, sql } from "drizzle-orm";
import { InlineKeyboard } from "grammy";
import type { Executor } from "../../db/client";
import { planName } from "../catalog/catalog.models";
import { entitlements } from "../entitlements/entitlements.table";
import { users } from "../users/users.table";
import { formatTime } from "./telegram.format";
import { type Locale, localeOf, type Translate } from "./telegram.i18n";
import { outboxRepository } from "./telegram.outbox";

export const EXPIRY_NOTICE_MS = 3 * 86_400_000;
/**
 * "Your plan ends in 3 days": for each user and tier whose chain of unrevoked periods ends
 * within the notice window. A read of entitlements; the dedupe key (user, tier, end) makes
 * each reminder go out once, and a renewal (which moves the end) earns a new one later.
 */
export function createExpiryReminders(deps: {
  db: Executor;
  now: () => Date;
  translator(locale: Locale): Translate;
}) {
  return {
    async runOnce(): Promise<number> {
      const now = deps.now();
      const ends = max(entitlements.expiresAt);
      const due = await deps.db
        .select({
          userId: entitlements.userId,
          tierId: entitlements.tierId,
          level: entitlements.level,
          endsAt: ends,
          chatId: users.telegramId,
          locale: users.locale,
          languageCode: users.languageCode,
        })
        .from(entitlements)
        .innerJoin(users, eq(users.id, entitlements.userId))
        .where(
          and(isNull(entitlements.revokedAt), gt(entitlements.expiresAt, now), isNull(users.unreachableAt)),
        )
        .groupBy(
          entitlements.userId,
          entitlements.tierId,
          entitlements.level,
          users.telegramId,
          users.locale,
          users.languageCode,
        )
        .having(sql`${ends} <= ${new Date(now.getTime() + EXPIRY_NOTICE_MS).toISOString()}::timestamptz`);
      const messages = due.map((d) => {
        const t = deps.translator(localeOf(d.locale, d.languageCode));
        return {
          chatId: d.chatId,
          dedupeKey: `expiring:${d.userId}:${d.tierId}:${d.endsAt!.getTime()}`,
          text: t("expiring", { plan: planName(d.level), at: formatTime(d.endsAt!) }),
          replyMarkup: new InlineKeyboard().text(t("expiring-renew"), `shop:t:${d.tierId}`),
        };
      });
      return outboxRepository(deps.db).enqueue(messages);
    },
  };
}
