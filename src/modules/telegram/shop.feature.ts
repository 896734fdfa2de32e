import { InlineKeyboard } from "grammy";
import type { OrderRenewal } from "../orders/orders.table";
import { DEFAULT_REGION, QUOTE_MONTHS, type Quote, type QuoteMonths } from "../pricing/pricing.models";
import { starsCanRenew } from "../subscriptions/subscriptions.models";
import { orderSummary, payKeyboard } from "./shop.views";
import { ignoreNotModified } from "./telegram.api";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { escapeHtml, formatMoney } from "./telegram.format";
import { ID } from "./telegram.models";
import { firstPress, releasePress } from "./telegram.presses";

const RENEWAL_OF = { once: "none", auto: "auto" } as const satisfies Record<string, OrderRenewal>;

/** What the buyer saves against paying month by month, in percent of the undiscounted price. */
function savings(quote: Quote, monthly: Quote): number {
  const full = monthly.totalMinor * quote.months;
  return full > 0 ? Math.round(((full - quote.totalMinor) / full) * 100) : 0;
}

/**
 * /shop: tiers priced in the buyer's region → months with their discounts → pay once or renew
 * automatically → an order with its price breakdown and pay buttons. Prices come from the
 * pricing service and orders from the orders service, exactly as GET /quotes and POST /orders
 * compute them.
 */
export function shopFeature(
  services: Pick<BotServices, "catalog" | "pricing" | "orders" | "db" | "clock" | "config">,
): BotFeature {
  const cardOn = services.config.stripe.secretKey !== undefined;
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

  /** The months question: a new message from the tier button, the same message again from « back. */
  async function chooseMonths(ctx: BotContext, tierId: string, inPlace = false) {
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
    const text = ctx.t("shop-how-long", { tier: escapeHtml(tier.name) });
    if (inPlace)
      return ignoreNotModified(ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: keyboard }));
    return ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
  }

  /**
   * Pay once, or renew automatically: asked in place of the months (or the renewal reminder) the
   * buyer pressed. Renewing is by card for any length, and with Stars for one month (Telegram's
   * Star subscriptions are monthly); a length nothing can renew is offered only once.
   */
  async function chooseRenewal(ctx: BotContext, tierId: string, months: QuoteMonths) {
    const tier = await services.catalog.purchasableTier(tierId);
    if (!tier) return ctx.answerCallbackQuery({ text: ctx.t("shop-tier-gone") });
    const quote = await quoteFor(ctx, tierId, months);
    const vars = {
      tier: escapeHtml(tier.name),
      months,
      price: formatMoney(quote.totalMinor, quote.currency),
    };
    const renewable = cardOn || starsCanRenew(months);
    const keyboard = new InlineKeyboard()
      .text(ctx.t("shop-pay-once"), `shop:o:${tierId}:${months}:once`)
      .row();
    if (renewable) keyboard.text(ctx.t("shop-renew-auto"), `shop:o:${tierId}:${months}:auto`).row();
    keyboard.text(ctx.t("shop-other-lengths"), `shop:b:${tierId}`);
    const lines = renewable
      ? [
          ctx.t("shop-renewal-choice", vars),
          ctx.t(starsCanRenew(months) ? "shop-renews-monthly" : "shop-renews-card", vars),
        ]
      : [ctx.t("shop-once-only", vars)];
    await ctx.answerCallbackQuery();
    return ignoreNotModified(
      ctx.editMessageText(lines.join("\n"), { parse_mode: "HTML", reply_markup: keyboard }),
    );
  }

  /** One order per question: a second tap (or the other answer) is told, not obeyed. */
  async function placeOrder(ctx: BotContext, tierId: string, months: QuoteMonths, renewal: OrderRenewal) {
    if (!(await firstPress(services.db, ctx, "shop:o", services.clock.now())))
      return ctx.answerCallbackQuery({ text: ctx.t("order-already-placed") });
    let order: Awaited<ReturnType<typeof services.orders.create>>;
    try {
      order = await services.orders.create(
        { id: ctx.account.user.id, region: ctx.account.user.region },
        { tierId, months, renewal },
      );
    } catch (err) {
      await releasePress(services.db, ctx, "shop:o");
      throw err;
    }
    const tier = await services.catalog.findTier(tierId);
    await ctx.answerCallbackQuery();
    // The question is answered: its buttons are settled.
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
        chooseRenewal(ctx, ctx.match[1]!, Number(ctx.match[2]) as QuoteMonths),
      );
      bot.callbackQuery(new RegExp(`^shop:o:(${ID}):(1|3|6|12):(once|auto)$`), (ctx) =>
        placeOrder(
          ctx,
          ctx.match[1]!,
          Number(ctx.match[2]) as QuoteMonths,
          RENEWAL_OF[ctx.match[3] as keyof typeof RENEWAL_OF],
        ),
      );
      bot.callbackQuery(new RegExp(`^shop:b:(${ID})$`), (ctx) => chooseMonths(ctx, ctx.match[1]!, true));
      bot.callbackQuery(new RegExp(`^order:cancel:(${ID})$`), async (ctx) => {
        await services.orders.cancel(ctx.account.user.id, ctx.match[1]!);
        await ctx.answerCallbackQuery({ text: ctx.t("order-cancelled-toast") });
        return ctx.editMessageText(ctx.t("order-cancelled"));
      });
    },
  };
}
