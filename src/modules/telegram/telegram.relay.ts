import { and, asc, inArray, isNull, sql } from "drizzle-orm";
import { InlineKeyboard } from "grammy";
import type { Executor } from "../../db/client";
import { outbox } from "../../shared/outbox/outbox.table";
import { planName } from "../catalog/catalog.models";
import { pastDueMessage } from "./subscriptions.feature";
import { escapeHtml, formatMoney, formatTime } from "./telegram.format";
import type { Locale, Translate } from "./telegram.i18n";
import { type OutgoingMessage, outboxRepository } from "./telegram.outbox";
import { recipientsOf } from "./telegram.recipients";

/** The shared outbox topics whose consumer is the bot: the buyer hears about their money. */
export const RELAYED_TOPICS = ["orders.paid", "orders.refunded", "subscriptions.past_due"] as const;
const BATCH = 50;
type Payload = Record<string, unknown>;

function paidText(p: Payload, now: Date, t: Translate): string {
  const plan = t("order-plan", {
    tier: escapeHtml(planName(String(p.level))),
    months: Number(p.months),
  });
  const total =
    String(p.provider) === "stars"
      ? ""
      : ` ${t("paid-total", { total: formatMoney(Number(p.totalMinor), String(p.currency)) })}`;
  const starts = new Date(String(p.startsAt));
  const period =
    starts.getTime() > now.getTime()
      ? t("paid-starts-later", { starts: formatTime(starts), until: formatTime(String(p.expiresAt)) })
      : t("paid-active-until", { until: formatTime(String(p.expiresAt)) });
  const id = escapeHtml(String(p.orderId));
  // A renewal's own order (it names its subscription) renewed; the first auto-renew order will.
  const title = p.subscriptionId ? t("renewed-title", { id, plan }) : t("paid-title", { id, plan });
  const renews = p.renewal === "auto" && !p.subscriptionId ? `\n${t("paid-renews")}` : "";
  return `${title}${total}\n${period}${renews}`;
}

const refundedText = (p: Payload, t: Translate) => t("refunded-text", { id: escapeHtml(String(p.orderId)) });

/**
 * Moves order events from the shared outbox (written in the payment's own transaction) into the
 * bot's outbox, in one transaction: a row is either relayed and marked sent, or neither. Row
 * locks with SKIP LOCKED let several instances relay side by side without doubles.
 */
export function createOrdersRelay(deps: {
  db: Executor;
  now: () => Date;
  translator(locale: Locale): Translate;
}) {
  return {
    async runOnce(): Promise<number> {
      return deps.db.transaction(async (tx) => {
        const rows = await tx
          .select()
          .from(outbox)
          .where(and(isNull(outbox.sentAt), inArray(outbox.topic, [...RELAYED_TOPICS])))
          .orderBy(asc(outbox.id))
          .limit(BATCH)
          .for("update", { skipLocked: true });
        if (rows.length === 0) return 0;
        const chats = await recipientsOf(
          tx,
          rows.map((r) => String(r.payload.userId)),
        );
        const messages = rows.flatMap((r): OutgoingMessage[] => {
          const to = chats.get(String(r.payload.userId));
          if (to === undefined) return [];
          const t = deps.translator(to.locale);
          if (r.topic === "subscriptions.past_due") {
            const { text, replyMarkup } = pastDueMessage(r.payload, t);
            return [{ chatId: to.chatId, dedupeKey: `obx:${r.id}`, text, replyMarkup }];
          }
          const paid = r.topic === "orders.paid";
          return [
            {
              chatId: to.chatId,
              dedupeKey: `obx:${r.id}`,
              text: paid ? paidText(r.payload, deps.now(), t) : refundedText(r.payload, t),
              ...(paid ? { replyMarkup: new InlineKeyboard().text(t("menu-status"), "menu:status") } : {}),
            },
          ];
        });
        await outboxRepository(tx).enqueue(messages);
        await tx
          .update(outbox)
          .set({ sentAt: deps.now(), attempts: sql`${outbox.attempts} + 1` })
          .where(
            inArray(
              outbox.id,
              rows.map((r) => r.id),
            ),
          );
        return rows.length;
      });
    },
  };
}
