import { InlineKeyboard } from "grammy";
import { QUOTE_MONTHS, type Quote, type QuoteMonths } from "../pricing/pricing.models";
import { orderSummary, payKeyboard } from "./shop.views";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { escapeHtml, formatMoney } from "./telegram.format";
import { ID } from "./telegram.models";

const monthsLabel = (m: number) => (m === 1 ? "1 month" : `${m} months`);

/** What the buyer saves against paying month by month, in percent of the undiscounted price. */
function savings(quote: Quote, monthly: Quote): number {
  const full = monthly.totalMinor * quote.months;
  return full > 0 ? Math.round(((full - quote.totalMinor) / full) * 100) : 0;
}

/**
 * /shop: tiers priced in the buyer's region → months with their discounts → an order with its
 * price breakdown and pay buttons. Prices come from the pricing service and orders from the
 * orders service, exactly as GET /quotes and POST /orders compute them.
 */
export function shopFeature(services: Pick<BotServices, "catalog" | "pricing" | "orders">): BotFeature {
  const quoteFor = (ctx: BotContext, tierId: string, months: QuoteMonths) =>
    services.pricing.quote({
      tierId,
      months,
      region: ctx.account.user.region ?? "GB",
      userId: ctx.account.user.id,
    });

  async function shop(ctx: BotContext) {
    const catalog = await services.catalog.view();
    const lines: string[] = [];
    const keyboard = new InlineKeyboard();
    for (const product of catalog.categories.flatMap((c) => c.products)) {
      lines.push(`<b>${escapeHtml(product.name)}</b>`, escapeHtml(product.description));
      for (const tier of product.tiers) {
        const quote = await quoteFor(ctx, tier.id, 1);
        const price = formatMoney(quote.totalMinor, quote.currency);
        const f = tier.features;
        lines.push(
          `• <b>${escapeHtml(tier.name)}</b> — ${price}/month: up to ${f.maxDevices} device(s)` +
            `${f.autoApprove ? ", auto-approve" : ""}`,
        );
        keyboard.text(`${tier.name} — ${price}/mo`, `shop:t:${tier.id}`).row();
      }
      lines.push("");
    }
    if (lines.length === 0) return ctx.reply("Nothing is on sale right now. Please check back later.");
    lines.push(`Prices for region ${ctx.account.user.region ?? "GB"} (change with /region).`);
    return ctx.reply(lines.join("\n"), { parse_mode: "HTML", reply_markup: keyboard });
  }

  async function chooseMonths(ctx: BotContext, tierId: string) {
    const tier = await services.catalog.purchasableTier(tierId);
    if (!tier) return ctx.answerCallbackQuery({ text: "That plan is no longer on sale. See /shop." });
    const monthly = await quoteFor(ctx, tierId, 1);
    const keyboard = new InlineKeyboard();
    for (const months of QUOTE_MONTHS) {
      const quote = months === 1 ? monthly : await quoteFor(ctx, tierId, months);
      const saved = savings(quote, monthly);
      const label = `${monthsLabel(months)} — ${formatMoney(quote.totalMinor, quote.currency)}`;
      keyboard.text(saved > 0 ? `${label} (save ${saved} %)` : label, `shop:m:${tierId}:${months}`).row();
    }
    if (tier.trialDays > 0)
      keyboard.text(`🎁 Try it free for ${tier.trialDays} days`, `trial:${tierId}`).row();
    await ctx.answerCallbackQuery();
    return ctx.reply(`<b>${escapeHtml(tier.name)}</b>: for how long?`, {
      parse_mode: "HTML",
      reply_markup: keyboard,
    });
  }

  async function placeOrder(ctx: BotContext, tierId: string, months: QuoteMonths) {
    const order = await services.orders.create(
      { id: ctx.account.user.id, region: ctx.account.user.region },
      { tierId, months },
    );
    const tier = await services.catalog.findTier(tierId);
    await ctx.answerCallbackQuery();
    return ctx.reply(orderSummary(order, tier?.name ?? "Plan"), {
      parse_mode: "HTML",
      reply_markup: payKeyboard(order),
    });
  }

  return {
    commands: [
      { names: ["shop", "plans"], summary: "plans and prices; buy or renew", role: "all", run: shop },
    ],
    install(bot) {
      bot.callbackQuery(new RegExp(`^shop:t:(${ID})$`), (ctx) => chooseMonths(ctx, ctx.match[1]!));
      bot.callbackQuery(new RegExp(`^shop:m:(${ID}):(1|3|6|12)$`), (ctx) =>
        placeOrder(ctx, ctx.match[1]!, Number(ctx.match[2]) as QuoteMonths),
      );
      bot.callbackQuery(new RegExp(`^order:cancel:(${ID})$`), async (ctx) => {
        await services.orders.cancel(ctx.account.user.id, ctx.match[1]!);
        await ctx.answerCallbackQuery({ text: "Order cancelled" });
        return ctx.editMessageText("This order was cancelled. See /shop to start again.");
      });
    },
  };
}
