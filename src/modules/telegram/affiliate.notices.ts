import type { DomainEvents } from "../../shared/events";
import { DAY_MS } from "../entitlements/entitlements.models";
import type { BotServices } from "./telegram.context";
import { escapeHtml, formatMoney, formatTime } from "./telegram.format";
import type { Locale, Translate } from "./telegram.i18n";
import type { OutgoingMessage } from "./telegram.outbox";
import { recipientsOf } from "./telegram.recipients";

/**
 * How far back the timer looks for commissions whose hold has ended: a process down for a while
 * catches up. Shorter than the outbox's retention (14 days), so each one's dedupe key is still
 * there when a later run sees it again: one message per commission.
 */
export const AVAILABLE_LOOKBACK_MS = 2 * DAY_MS;

/**
 * What the bot tells an affiliate (registered in `telegram.reactions.ts`): a new referral, a
 * commission earned and when it becomes available, a payout completed or rejected (with the
 * reason). Each message carries a dedupe key from the fact it reports, so an event seen twice
 * queues once; users who blocked the bot are skipped.
 */
export function createAffiliateNotices(deps: {
  services: Pick<BotServices, "db" | "clock" | "config" | "affiliates">;
  queue(messages: OutgoingMessage[]): Promise<void>;
  translator(locale: Locale): Translate;
}) {
  const { services } = deps;

  async function tell(userId: string, dedupeKey: string, text: (t: Translate) => string) {
    const to = (await recipientsOf(services.db, [userId])).get(userId);
    if (to === undefined) return;
    await deps.queue([{ chatId: to.chatId, dedupeKey, text: text(deps.translator(to.locale)) }]);
  }

  async function referred(e: DomainEvents["affiliates.referred"]) {
    await tell(e.affiliateUserId, `aff-referred:${e.referralId}`, (t) => t("aff-news-referred"));
  }

  async function commissionEarned(e: DomainEvents["affiliates.commission_earned"]) {
    await tell(e.affiliateUserId, `aff-earned:${e.commissionId}`, (t) =>
      t("aff-news-earned", {
        amount: formatMoney(e.amountMinor, e.currency),
        at: formatTime(e.availableAt),
        days: services.config.affiliates.holdDays,
      }),
    );
  }

  async function payoutDecided({ affiliateUserId, payout }: DomainEvents["affiliates.payout_decided"]) {
    const amount = formatMoney(payout.amountMinor, payout.currency);
    await tell(affiliateUserId, `aff-payout:${payout.id}:${payout.status}`, (t) =>
      payout.status === "paid"
        ? t("aff-news-payout-paid", { amount, reference: escapeHtml(payout.reference ?? "") })
        : t("aff-news-payout-rejected", { amount, reason: escapeHtml(payout.rejectionReason ?? "") }),
    );
  }

  /** The timer's run: commissions whose hold ended since the lookback, each told once. */
  async function announceAvailable(): Promise<void> {
    const now = services.clock.now();
    const ready = await services.affiliates.news.becameAvailable(
      new Date(now.getTime() - AVAILABLE_LOOKBACK_MS),
      now,
    );
    for (const c of ready) {
      await tell(c.affiliateUserId, `aff-available:${c.commissionId}`, (t) =>
        t("aff-news-available", { amount: formatMoney(c.amountMinor, c.currency) }),
      );
    }
  }

  return { referred, commissionEarned, payoutDecided, announceAvailable };
}
