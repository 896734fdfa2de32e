import { InlineKeyboard } from "grammy";
import { planName } from "../catalog/catalog.models";
import { daysOf } from "../renewals/renewals.models";
import type { RenewalNotice, RenewalsService } from "../renewals/renewals.service";
import { formatTime } from "./telegram.format";
import { type Locale, localeOf, type Translate } from "./telegram.i18n";
import { type OutgoingMessage, outboxRepository } from "./telegram.outbox";

/**
 * The renew buttons under a notice. With the months of the order that paid for the plan, one tap
 * asks, in place, to pay once or renew automatically for the same plan (`shop:m`; one order per
 * message) and a second button offers the other lengths; a plan no order paid for (a trial, an
 * admin grant) opens the tier's lengths.
 */
function renewKeyboard(n: RenewalNotice, t: Translate): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (n.months === null) return keyboard.text(t("renewal-renew"), `shop:t:${n.tierId}`);
  return keyboard
    .text(t("renewal-renew-months", { months: n.months }), `shop:m:${n.tierId}:${n.months}`)
    .row()
    .text(t("renewal-other-lengths"), `shop:t:${n.tierId}`);
}

export function renewalMessage(n: RenewalNotice, t: Translate): OutgoingMessage {
  const plan = planName(n.level);
  const at = formatTime(n.endsAt);
  const days = daysOf(n.kind);
  return {
    chatId: n.chatId,
    dedupeKey: `renewal:${n.entitlementId}:${n.kind}`,
    text: days === null ? t("renewal-ended", { plan, at }) : t("renewal-reminder", { plan, at, days }),
    replyMarkup: renewKeyboard(n, t),
  };
}

/**
 * Reminders 7, 3 and 1 days before a plan that does not renew ends, and "access ended" once it
 * has: the renewals module says what is due and records each as sent in the transaction that
 * queues its message, so a restart or a second instance never sends one twice.
 */
export function createRenewalReminders(deps: {
  renewals: Pick<RenewalsService, "due" | "send">;
  translator(locale: Locale): Translate;
}) {
  return {
    async runOnce(): Promise<number> {
      const due = await deps.renewals.due();
      return deps.renewals.send(due, (tx, claimed) =>
        outboxRepository(tx).enqueue(
          claimed.map((n) => renewalMessage(n, deps.translator(localeOf(n.locale, n.languageCode)))),
        ),
      );
    },
  };
}
