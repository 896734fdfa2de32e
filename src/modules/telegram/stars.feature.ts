import { GrammyError } from "grammy";
import type { PreCheckoutQuery } from "grammy/types";
import { OrderErrors } from "../orders/orders.errors";
import type { OrderRow } from "../orders/orders.table";
import { toGbpMinor } from "../pricing/pricing.models";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { ID, starsFor } from "./telegram.models";

const ORDER_ID = new RegExp(`^${ID}$`);
const LEVEL_NAMES: Record<string, string> = { premium: "Premium", vip: "VIP", enterprise: "Enterprise" };

/**
 * Telegram Stars (XTR) as a payment provider. The Stars price is fixed into the order when the
 * first invoice is issued; the pre-checkout accepts only that exact amount for a pending order
 * of the payer; the payment goes through the orders module's one paid path, keyed on the
 * Telegram charge id so a repeat grants nothing twice.
 */
export function starsFeature(
  services: Pick<BotServices, "orders" | "users" | "catalog" | "config" | "db" | "logger">,
): BotFeature {
  const starsPerGbp = services.config.pricing.starsPerGbp;

  async function issueInvoice(ctx: BotContext, orderId: string) {
    const order = await services.orders.getOwn(ctx.account.user.id, orderId);
    const status = services.orders.effectiveStatus(order);
    if (status !== "pending") throw OrderErrors.notPending(`The order is ${status}`);
    const wanted = starsFor(toGbpMinor(order.totalMinor, order.fxRate), starsPerGbp);
    const { starsAmount } = await services.orders.fixStarsAmount(order.id, wanted);
    const tier = await services.catalog.findTier(order.tierId);
    const title = `${tier?.name ?? LEVEL_NAMES[tier?.level ?? ""] ?? "Plan"} — ${order.months === 1 ? "1 month" : `${order.months} months`}`;
    await ctx.answerCallbackQuery();
    return ctx.replyWithInvoice(title, `signaldesk order ${order.id}`, order.id, "XTR", [
      { label: title, amount: starsAmount! },
    ]);
  }

  /** Why this pre-checkout must be refused, or null when the order can take exactly this payment. */
  async function refusalFor(query: PreCheckoutQuery): Promise<string | null> {
    if (!ORDER_ID.test(query.invoice_payload)) return "This invoice is not one of ours.";
    const order: OrderRow | undefined = await services.orders.findById(query.invoice_payload);
    const payer = await services.users.findByTelegramId(query.from.id);
    if (!order || !payer || order.userId !== payer.id) return "This invoice is not one of ours.";
    if (services.orders.effectiveStatus(order) !== "pending")
      return "This order can no longer be paid. Start again in /shop.";
    if (query.currency !== "XTR" || order.starsAmount === null || query.total_amount !== order.starsAmount) {
      return "The amount does not match the order. Open the order again in /shop.";
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
    services.logger.warn(
      { orderId: payment.invoice_payload, result: outcome.result },
      "a Stars payment could not be applied to its order",
    );
    return ctx.reply(
      "We received your Stars, but the order could not take them (it may have expired or changed). " +
        "An operator has been alerted and will sort it out or refund you.",
    );
  }

  /** Admin /refund ORDER_ID: Telegram gives the Stars back, then the order is refunded (plan revoked). */
  async function refund(ctx: BotContext) {
    const orderId = String(ctx.match ?? "").trim();
    if (!ORDER_ID.test(orderId)) return ctx.reply("Usage: /refund ord_… (a paid Stars order)");
    const order = await services.orders.findById(orderId);
    if (!order) throw OrderErrors.notFound();
    if (order.provider !== "stars" || !order.providerReference) {
      return ctx.reply("Only Telegram Stars payments are refunded here; refund card payments in Stripe.");
    }
    if (order.status !== "paid") return ctx.reply(`Order ${order.id} is ${order.status}; nothing to refund.`);
    const buyer = (await services.users.findById(order.userId))!;
    try {
      await ctx.api.refundStarPayment(buyer.telegramId, order.providerReference);
    } catch (err) {
      // Refunded at Telegram earlier (then our side failed): finish our side now.
      if (!(err instanceof GrammyError && /CHARGE_ALREADY_REFUNDED/i.test(err.description))) throw err;
    }
    const outcome = await services.orders.markOrderRefunded({
      orderId: order.id,
      provider: "stars",
      reference: order.providerReference,
      actor: { id: ctx.account.user.id },
    });
    return ctx.reply(`Order ${order.id}: ${outcome.result.replaceAll("_", " ")}.`);
  }

  return {
    commands: [
      {
        names: ["refund"],
        summary: "ORDER_ID — refund a Telegram Stars payment",
        role: "admin",
        run: refund,
      },
    ],
    install(bot) {
      bot.callbackQuery(new RegExp(`^pay:stars:(${ID})$`), (ctx) => issueInvoice(ctx, ctx.match[1]!));
      bot.on("pre_checkout_query", async (ctx) => {
        const refusal = await refusalFor(ctx.preCheckoutQuery);
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
