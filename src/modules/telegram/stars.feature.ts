import { InlineKeyboard } from "grammy";
import type { PreCheckoutQuery, SuccessfulPayment } from "grammy/types";
import { planName } from "../catalog/catalog.models";
import { OrderErrors } from "../orders/orders.errors";
import type { OrderRow } from "../orders/orders.table";
import { STARS_CURRENCY } from "../payments/payments.models";
import type { PaymentOutcome } from "../subscriptions/subscriptions.service";
import type { heldStarsFeature } from "./stars-held.feature";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import type { Translate } from "./telegram.i18n";
import { ID } from "./telegram.models";

const ORDER_ID = new RegExp(`^${ID}$`);
/**
 * Telegram Stars (XTR) as a payment provider. The Stars price is fixed into the order when the
 * first invoice is issued; the pre-checkout accepts only that exact amount for a pending order
 * of the payer; the payment goes through the orders module's one paid path, keyed on the
 * Telegram charge id so a repeat grants nothing twice.
 *
 * An auto-renewing order of one month is a Telegram Star subscription instead: an invoice link
 * with a 30-day `subscription_period`, whose first payment and each monthly renewal (a new
 * charge id, same payload) go through the subscriptions module, like Stripe's invoices.
 */
export function starsFeature(
  services: Pick<
    BotServices,
    "orders" | "payments" | "users" | "catalog" | "db" | "logger" | "subscriptions" | "clock"
  >,
  held: Pick<ReturnType<typeof heldStarsFeature>, "hold">,
): BotFeature {
  async function issueInvoice(ctx: BotContext, orderId: string) {
    const order = await services.orders.getOwn(ctx.account.user.id, orderId);
    if (order.renewal === "auto") return subscriptionLink(ctx, order);
    const status = services.orders.effectiveStatus(order);
    if (status !== "pending") throw OrderErrors.notPending(`The order is ${status}`);
    const starsAmount = await services.payments.fixStarsPrice(order);
    const tier = await services.catalog.findTier(order.tierId);
    const title = ctx.t("stars-invoice-title", {
      tier: tier?.name ?? (tier ? planName(tier.level) : ctx.t("shop-plan")),
      months: order.months,
    });
    await ctx.answerCallbackQuery();
    return ctx.replyWithInvoice(
      title,
      ctx.t("stars-invoice-description", { id: order.id }),
      order.id,
      STARS_CURRENCY,
      [{ label: title, amount: starsAmount }],
    );
  }

  /**
   * A Star subscription is bought through an invoice link (Telegram takes `subscription_period`
   * only there), made where every Stars link is made: priced for one 30-day period, renewed by
   * Telegram until cancelled. Only a one-month plan can be one.
   */
  async function subscriptionLink(ctx: BotContext, order: OrderRow) {
    const link = await services.payments.starsSubscriptionLink(order);
    // Fixed into the order by the link: the same amount again.
    const stars = await services.payments.fixStarsPrice(order);
    await ctx.answerCallbackQuery();
    return ctx.reply(ctx.t("stars-subscribe-text", { stars: String(stars) }), {
      reply_markup: new InlineKeyboard().url(ctx.t("stars-subscribe-button", { stars: String(stars) }), link),
    });
  }

  /** Why this pre-checkout must be refused, or null when the order can take exactly this payment. */
  async function refusalFor(query: PreCheckoutQuery, t: Translate): Promise<string | null> {
    if (!ORDER_ID.test(query.invoice_payload)) return t("stars-not-ours");
    const order: OrderRow | undefined = await services.orders.findById(query.invoice_payload);
    const payer = await services.users.findByTelegramId(query.from.id);
    if (!order || !payer || order.userId !== payer.id) return t("stars-not-ours");
    if (services.orders.effectiveStatus(order) !== "pending") return t("stars-not-payable");
    if (
      query.currency !== STARS_CURRENCY ||
      order.starsAmount === null ||
      query.total_amount !== order.starsAmount
    ) {
      return t("stars-amount-mismatch");
    }
    return null;
  }

  async function recordPayment(ctx: BotContext) {
    const payment = ctx.message!.successful_payment!;
    if (payment.is_recurring) return recordSubscriptionPayment(ctx, payment);
    const outcome = await services.orders.markOrderPaid({
      orderId: payment.invoice_payload,
      provider: "stars",
      reference: payment.telegram_payment_charge_id,
      amount: payment.total_amount,
      currency: payment.currency,
    });
    // "paid" and its repeat are announced by the payment notification; only trouble is told here.
    if (outcome.result === "paid" || outcome.result === "already_paid") return;
    return held.hold(ctx, payment, outcome);
  }

  /**
   * A Star subscription's payment: the first pays the order the link was made for, each renewal
   * (same payload, new charge id) extends the plan once per charge id. Money that no
   * subscription or order can take is held for a refund, as a one-off payment's is.
   */
  async function recordSubscriptionPayment(ctx: BotContext, payment: SuccessfulPayment) {
    const first = payment.is_first_recurring === true;
    const expires = payment.subscription_expiration_date;
    const outcome: PaymentOutcome = await services.subscriptions.recordPaymentNow({
      provider: "stars",
      providerSubscriptionId: first ? payment.telegram_payment_charge_id : undefined,
      orderId: ORDER_ID.test(payment.invoice_payload) ? payment.invoice_payload : undefined,
      reference: payment.telegram_payment_charge_id,
      first,
      amount: payment.total_amount,
      currency: payment.currency,
      paidAt: services.clock.now(),
      periodEnd: expires ? new Date(expires * 1000) : undefined,
    });
    // Paid, renewed, or a repeat: the payment notification (orders.paid) tells the buyer.
    if (outcome.result === "paid" || outcome.result === "renewed" || outcome.result === "duplicate") return;
    services.logger.warn(
      { payload: payment.invoice_payload, first, result: outcome.result },
      "a Stars subscription payment could not be applied",
    );
    // A subscription that could not start must not charge again next month: its renewal is
    // cancelled at Telegram (and on our row, when one was made) before the money is held.
    if (first) await stopRenewal(ctx, payment, outcome);
    if (outcome.result === "unknown_subscription") return held.hold(ctx, payment, { result: "not_found" });
    const order = await services.orders.findById(outcome.orderId);
    if (!order) return held.hold(ctx, payment, { result: "not_found" });
    if (outcome.result === "flagged")
      return held.hold(ctx, payment, { result: "mismatch", order, reason: outcome.reason });
    return held.hold(ctx, payment, { result: "not_payable", order });
  }

  async function stopRenewal(ctx: BotContext, payment: SuccessfulPayment, outcome: PaymentOutcome) {
    try {
      if (outcome.result === "unknown_subscription")
        await ctx.api.editUserStarSubscription(ctx.from!.id, payment.telegram_payment_charge_id, true);
      else await services.subscriptions.cancel(ctx.account.user.id, outcome.subscriptionId);
    } catch (err) {
      // The money is still held below; an operator sees the warning and can cancel it by hand.
      services.logger.warn(
        { err, charge: payment.telegram_payment_charge_id },
        "could not cancel the renewal of a Stars subscription that did not start",
      );
    }
  }

  /** Admin /refund ORDER_ID: a Stars order's stars back, the order refunded (plan revoked). */
  async function refund(ctx: BotContext) {
    const orderId = String(ctx.match ?? "").trim();
    if (!ORDER_ID.test(orderId)) return ctx.reply(ctx.t("refund-usage"));
    const order = await services.orders.findById(orderId);
    if (!order) throw OrderErrors.notFound();
    if (order.provider !== "stars" || !order.providerReference) {
      return ctx.reply(ctx.t("refund-stars-only"));
    }
    if (order.status !== "paid")
      return ctx.reply(ctx.t("refund-not-paid", { id: order.id, status: order.status }));
    // Telegram gives the Stars back, then the one refund path revokes the plan (as from the console).
    const outcome = await services.payments.refundOrder(ctx.account.user, order.id);
    return ctx.reply(ctx.t("refund-outcome", { id: order.id, result: outcome.result }));
  }

  return {
    commands: [
      {
        names: ["refund"],
        summary: "cmd-refund",
        role: "admin",
        run: refund,
      },
    ],
    install(bot) {
      bot.callbackQuery(new RegExp(`^pay:stars:(${ID})$`), (ctx) => issueInvoice(ctx, ctx.match[1]!));
      bot.on("pre_checkout_query", async (ctx) => {
        const refusal = await refusalFor(ctx.preCheckoutQuery, ctx.t);
        if (!refusal) return ctx.answerPreCheckoutQuery(true);
        services.logger.info(
          { payload: ctx.preCheckoutQuery.invoice_payload, refusal },
          "stars pre-checkout refused",
        );
        return ctx.answerPreCheckoutQuery(false, { error_message: refusal });
      });
      bot.on("message:successful_payment", recordPayment);
    },
  };
}
