import { GrammyError, InlineKeyboard } from "grammy";
import type { SuccessfulPayment } from "grammy/types";
import type { PaidOutcome } from "../orders/orders.settlement";
import type { UnappliedPaymentRow, UnappliedReason } from "../payments/unapplied.table";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { escapeHtml, formatTime } from "./telegram.format";
import { DEFAULT_LOCALE, type Locale, localeOf, type Translate } from "./telegram.i18n";
import { ID } from "./telegram.models";
import { outboxRepository } from "./telegram.outbox";

type Unapplied = Exclude<PaidOutcome, { result: "paid" } | { result: "already_paid" }>;

/** Why the order could not take the money, as the catalogues say it ("it was cancelled"). */
function whyText(outcome: Unapplied, t: Translate): string {
  if (outcome.result === "not_found") return t("stars-why-unknown");
  if (outcome.result === "mismatch") return t("stars-why-mismatch");
  switch (outcome.order.status) {
    case "paid":
      return t("stars-why-paid");
    case "cancelled":
      return t("stars-why-cancelled");
    case "refunded":
      return t("stars-why-refunded");
    default:
      // Expired, or still pending past its expiry (the sweep had not run): the one other refusal.
      return t("stars-why-expired");
  }
}

const reasonOf = (outcome: Unapplied): UnappliedReason =>
  outcome.result === "mismatch" || outcome.result === "not_found" ? outcome.result : "not_payable";

const payerOf = (ctx: BotContext) => {
  const from = ctx.from!;
  const name = escapeHtml([from.first_name, from.last_name].filter(Boolean).join(" "));
  return from.username ? `${name} (@${escapeHtml(from.username)}, ${from.id})` : `${name} (${from.id})`;
};

/**
 * A Stars payment no order could take: kept with its charge id, the buyer told the truth, and
 * every admin (ADMIN_TELEGRAM_IDS) alerted with a Refund button; the alerts are queued in the
 * transaction that keeps the payment. The Refund button calls refundStarPayment once, however
 * many times (or by however many admins) it is pressed.
 */
export function heldStarsFeature(
  services: Pick<BotServices, "unappliedPayments" | "users" | "config" | "clock" | "logger" | "db">,
  translator: (locale: Locale) => Translate,
  poke: () => void,
) {
  const admins = [...services.config.adminTelegramIds];

  async function hold(ctx: BotContext, payment: SuccessfulPayment, outcome: Unapplied) {
    const adminT = translator(DEFAULT_LOCALE);
    const adminWhy = whyText(outcome, adminT);
    // A Stars amount as written, not formatted as a number ("6199", never "6,199").
    const amount = String(payment.total_amount);
    const { payment: held, first } = await services.unappliedPayments.hold(
      {
        provider: "stars",
        chargeId: payment.telegram_payment_charge_id,
        providerChargeId: payment.provider_payment_charge_id || null,
        telegramUserId: ctx.from!.id,
        userId: ctx.account.user.id,
        orderRef: payment.invoice_payload,
        amount: payment.total_amount,
        currency: payment.currency,
        reason: reasonOf(outcome),
        detail: outcome.result === "mismatch" ? outcome.reason : adminWhy,
      },
      (tx, row) =>
        outboxRepository(tx).enqueue(
          admins.map((chatId) => ({
            chatId,
            dedupeKey: `stars-held:${row.id}:${chatId}`,
            text: adminT("stars-held-admin", {
              payer: payerOf(ctx),
              amount,
              order: escapeHtml(row.orderRef),
              why: adminWhy,
              charge: escapeHtml(row.chargeId),
            }),
            replyMarkup: new InlineKeyboard().text(
              adminT("stars-refund-button", { amount }),
              `stars:refund:${row.id}`,
            ),
          })),
        ),
    );
    if (first) poke();
    services.logger.warn(
      { orderRef: held.orderRef, result: outcome.result, heldId: held.id, alerted: admins.length },
      "a Stars payment could not be applied to its order; held for a refund",
    );
    const vars = {
      amount,
      order: escapeHtml(held.orderRef),
      why: whyText(outcome, ctx.t),
      charge: escapeHtml(held.chargeId),
    };
    if (held.status === "refunded")
      return ctx.reply(ctx.t("stars-held-refunded", vars), { parse_mode: "HTML" });
    return ctx.reply(ctx.t(admins.length > 0 ? "stars-held-alerted" : "stars-held-support", vars), {
      parse_mode: "HTML",
    });
  }

  async function refund(ctx: BotContext, id: string) {
    if (ctx.account.role !== "admin")
      return ctx.answerCallbackQuery({ text: ctx.t("stars-refund-admins-only"), show_alert: true });
    const outcome = await services.unappliedPayments.refund(id, { id: ctx.account.user.id }, async (p) => {
      try {
        await ctx.api.refundStarPayment(p.telegramUserId, p.chargeId);
      } catch (err) {
        // Refunded at Telegram before (then our record failed): the money is back, record it now.
        if (!(err instanceof GrammyError && /CHARGE_ALREADY_REFUNDED/i.test(err.description))) throw err;
      }
    });
    const settle = () => ctx.editMessageReplyMarkup().catch(() => undefined);
    switch (outcome.result) {
      case "not_found":
        return ctx.answerCallbackQuery({ text: ctx.t("stars-refund-unknown"), show_alert: true });
      case "in_progress":
        return ctx.answerCallbackQuery({ text: ctx.t("stars-refund-in-progress") });
      case "failed":
        return ctx.answerCallbackQuery({
          text: ctx.t("stars-refund-failed", { error: outcome.error.slice(0, 150) }),
          show_alert: true,
        });
      case "already_refunded":
        await ctx.answerCallbackQuery({ text: ctx.t("stars-refund-already"), show_alert: true });
        return settle();
      case "refunded":
        await tellBuyer(outcome.payment);
        await ctx.answerCallbackQuery({ text: ctx.t("stars-refund-done-toast") });
        await settle();
        return ctx.reply(
          ctx.t("stars-refund-done", {
            amount: String(outcome.payment.amount),
            order: escapeHtml(outcome.payment.orderRef),
            at: formatTime(outcome.payment.refundedAt!),
          }),
          { parse_mode: "HTML" },
        );
    }
  }

  /** The buyer hears that the stars went back, in their language. */
  async function tellBuyer(p: UnappliedPaymentRow) {
    const user = await services.users.findByTelegramId(p.telegramUserId);
    const t = translator(localeOf(user?.locale, user?.languageCode));
    await outboxRepository(services.db).enqueue([
      {
        chatId: p.telegramUserId,
        dedupeKey: `stars-refunded:${p.id}`,
        text: t("stars-refunded-buyer", { amount: String(p.amount), order: escapeHtml(p.orderRef) }),
      },
    ]);
    poke();
  }

  const feature: BotFeature = {
    commands: [],
    install(bot) {
      bot.callbackQuery(new RegExp(`^stars:refund:(${ID})$`), (ctx) => refund(ctx, ctx.match[1]!));
    },
  };
  return { hold, feature };
}
