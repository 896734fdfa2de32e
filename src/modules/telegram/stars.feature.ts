import type { PreCheckoutQuery } from "grammy/types";
import { planName } from "../catalog/catalog.models";
import { OrderErrors } from "../orders/orders.errors";
import type { OrderRow } from "../orders/orders.table";
import { STARS_CURRENCY } from "../payments/payments.models";
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
 */
export function starsFeature(
  services: Pick<BotServices, "orders" | "payments" | "users" | "catalog" | "db" | "logger">,
  held: Pick<ReturnType<typeof heldStarsFeature>, "hold">,
): BotFeature {
  async function issueInvoice(ctx: BotContext, orderId: string) {
    const order = await services.orders.getOwn(ctx.account.user.id, orderId);
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
