import { InlineKeyboard } from "grammy";
import { DEFAULT_REGION, QUOTE_MONTHS, type Quote, type QuoteMonths } from "../pricing/pricing.models";
import { orderSummary, payKeyboard } from "./shop.views";
import { ignoreNotModified } from "./telegram.api";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { escapeHtml, formatMoney } from "./telegram.format";
import { ID } from "./telegram.models";
import { firstPress, releasePress } from "./telegram.presses";

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
export function shopFeature(
  services: Pick<BotServices, "catalog" | "pricing" | "orders" | "db" | "clock">,
): BotFeature {
  const quoteFor = (ctx: BotContext, tierId: string, months: QuoteMonths) =>
    services.pricing.quote({
      tierId,
      months,
      region: ctx.account.user.region ?? DEFAULT_REGION,
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
        const vars = { tier: escapeHtml(tier.name), price, devices: f.maxDevices };
        lines.push(f.autoApprove ? ctx.t("shop-tier-line-auto", vars) : ctx.t("shop-tier-line", vars));
        keyboard.text(ctx.t("shop-tier-button", { tier: tier.name, price }), `shop:t:${tier.id}`).row();
      }
      lines.push("");
    }
    if (lines.length === 0) return ctx.reply(ctx.t("shop-empty"));
    lines.push(ctx.t("shop-region", { region: ctx.account.user.region ?? DEFAULT_REGION }));
    return ctx.reply(lines.join("\n"), { parse_mode: "HTML", reply_markup: keyboard });
  }

  async function chooseMonths(ctx: BotContext, tierId: string) {
    const tier = await services.catalog.purchasableTier(tierId);
    if (!tier) return ctx.answerCallbackQuery({ text: ctx.t("shop-tier-gone") });
    const monthly = await quoteFor(ctx, tierId, 1);
    const keyboard = new InlineKeyboard();
    for (const months of QUOTE_MONTHS) {
      const quote = months === 1 ? monthly : await quoteFor(ctx, tierId, months);
      const saved = savings(quote, monthly);
      const vars = { months, price: formatMoney(quote.totalMinor, quote.currency), saved };
      keyboard
        .text(
          saved > 0 ? ctx.t("shop-months-saving", vars) : ctx.t("shop-months", vars),
          `shop:m:${tierId}:${months}`,
        )
        .row();
    }
    if (tier.trialDays > 0)
      keyboard.text(ctx.t("shop-trial-button", { days: tier.trialDays }), `trial:${tierId}`).row();
    await ctx.answerCallbackQuery();
    return ctx.reply(ctx.t("shop-how-long", { tier: escapeHtml(tier.name) }), {
      parse_mode: "HTML",
      reply_markup: keyboard,
    });
  }

  /** One order per months message: a second tap (or another months button) is told, not obeyed. */
  async function placeOrder(ctx: BotContext, tierId: string, months: QuoteMonths) {
    if (!(await firstPress(services.db, ctx, "shop:m", services.clock.now())))
      return ctx.answerCallbackQuery({ text: ctx.t("order-already-placed") });
    let order: Awaited<ReturnType<typeof services.orders.create>>;
    try {
      order = await services.orders.create(
        { id: ctx.account.user.id, region: ctx.account.user.region },
        { tierId, months },
      );
    } catch (err) {
      await releasePress(services.db, ctx, "shop:m");
      throw err;
    }
    const tier = await services.catalog.findTier(tierId);
    await ctx.answerCallbackQuery();
    // The months are chosen: their buttons are settled.
    await ignoreNotModified(ctx.editMessageReplyMarkup());
    return ctx.reply(orderSummary(order, tier?.name ?? ctx.t("shop-plan"), ctx.t), {
      parse_mode: "HTML",
      reply_markup: payKeyboard(order, ctx.t),
    });
  }

  return {
    commands: [{ names: ["shop", "plans"], summary: "cmd-shop", role: "all", run: shop }],
    install(bot) {
      bot.callbackQuery(new RegExp(`^shop:t:(${ID})$`), (ctx) => chooseMonths(ctx, ctx.match[1]!));
      bot.callbackQuery(new RegExp(`^shop:m:(${ID}):(1|3|6|12)$`), (ctx) =>
        placeOrder(ctx, ctx.match[1]!, Number(ctx.match[2]) as QuoteMonths),
      );
      bot.callbackQuery(new RegExp(`^order:cancel:(${ID})$`), async (ctx) => {
        await services.orders.cancel(ctx.account.user.id, ctx.match[1]!);
        await ctx.answerCallbackQuery({ text: ctx.t("order-cancelled-toast") });
        return ctx.editMessageText(ctx.t("order-cancelled"));
      });
    },
  };
}
