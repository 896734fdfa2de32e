import { InlineKeyboard } from "grammy";
import { COUPON_CODE } from "../pricing/coupons.models";
import type { QuoteMonths } from "../pricing/pricing.models";
import { orderSummary, payKeyboard } from "./shop.views";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { askFor } from "./telegram.conversations";
import { isRefusal } from "./telegram.errors";
import { escapeHtml, formatMoney, formatTime } from "./telegram.format";
import { ID } from "./telegram.models";

const CODE_WAIT_MS = 10 * 60_000;
const COUPON_USAGE =
  "Usage: /coupon CODE 20% [max=100] [expires=2026-12-31] [tier=premium|vip|enterprise] [first]\n" +
  "or: /coupon CODE 5.00GBP … for a fixed amount off.";

/** `/coupon CODE 20% max=5 expires=2026-12-31 tier=vip first` → the admin API's body; a string says what is wrong. */
export function parseCouponCommand(
  args: string,
  tierIdOf: (level: string) => string | undefined,
):
  | {
      code: string;
      percentOff?: number;
      amountOffMinor?: number;
      currency?: string;
      maxRedemptions?: number;
      expiresAt?: Date;
      tierIds?: string[];
      firstOrderOnly?: boolean;
    }
  | string {
  const [rawCode, amount, ...rest] = args.trim().split(/\s+/);
  const code = (rawCode ?? "").toUpperCase();
  if (!COUPON_CODE.test(code)) return "The code must be 3 to 32 of A-Z, 0-9, _ and -.";
  const out: ReturnType<typeof parseCouponCommand> & object = { code };
  const percent = /^(\d{1,3})%$/.exec(amount ?? "");
  const fixed = /^(\d+)(?:\.(\d{2}))?([A-Za-z]{3})$/.exec(amount ?? "");
  if (percent && Number(percent[1]) >= 1 && Number(percent[1]) <= 100) out.percentOff = Number(percent[1]);
  else if (fixed) {
    out.amountOffMinor = Number(fixed[1]) * 100 + Number(fixed[2] ?? 0);
    out.currency = fixed[3]!.toUpperCase();
  } else return "Give the discount as 1% to 100%, or an amount such as 5.00GBP.";
  for (const option of rest) {
    const [key, value] = option.split("=", 2);
    if (key === "first" && value === undefined) out.firstOrderOnly = true;
    else if (key === "max" && /^\d+$/.test(value ?? "") && Number(value) > 0)
      out.maxRedemptions = Number(value);
    else if (key === "expires" && value && !Number.isNaN(Date.parse(`${value}T23:59:59Z`))) {
      out.expiresAt = new Date(`${value}T23:59:59Z`);
    } else if (key === "tier" && value && tierIdOf(value))
      out.tierIds = [...(out.tierIds ?? []), tierIdOf(value)!];
    else return `I do not understand "${option}".`;
  }
  return out;
}

/**
 * Offers in the bot: a tier's free trial, a coupon typed in for an order (the order is placed
 * again with it, and the first one cancelled so it does not hold a place), and the operator's
 * /coupon, /coupons and /coupon_delete (the admin API of API.md §14).
 */
export function offersFeature(
  services: Pick<BotServices, "db" | "clock" | "catalog" | "entitlements" | "orders" | "coupons">,
): BotFeature {
  async function startTrial(ctx: BotContext, tierId: string) {
    const period = await services.entitlements.startTrial(ctx.account.user.id, tierId);
    const tier = await services.catalog.findTier(tierId);
    await ctx.answerCallbackQuery();
    return ctx.reply(
      `🎁 Your free trial of <b>${escapeHtml(tier?.name ?? "the plan")}</b> is active until ${formatTime(period.expiresAt)}. ` +
        "Add your MetaTrader terminal with /devices.",
      { parse_mode: "HTML" },
    );
  }

  async function askCode(ctx: BotContext, orderId: string) {
    await services.orders.getOwn(ctx.account.user.id, orderId);
    const expires = new Date(services.clock.now().getTime() + CODE_WAIT_MS);
    await askFor(services.db, ctx.account.user.telegramId, "coupon_code", expires, { orderId });
    await ctx.answerCallbackQuery();
    return ctx.reply("Send me your coupon code.");
  }

  async function applyCode(ctx: BotContext, text: string, data: Record<string, unknown>) {
    const userId = ctx.account.user.id;
    const previous = await services.orders.getOwn(userId, String(data.orderId));
    const order = await services.orders.create(
      { id: userId, region: ctx.account.user.region },
      {
        tierId: previous.tierId,
        months: previous.months as QuoteMonths,
        region: previous.region,
        coupon: text.trim().toUpperCase(),
      },
    );
    // The first order would otherwise hold its price (and any coupon place) for a day.
    await services.orders.cancel(userId, previous.id).catch((err) => {
      if (!isRefusal(err)) throw err;
    });
    const tier = await services.catalog.findTier(order.tierId);
    return ctx.reply(orderSummary(order, tier?.name ?? "Plan"), {
      parse_mode: "HTML",
      reply_markup: payKeyboard(order),
    });
  }

  async function createCoupon(ctx: BotContext) {
    const tiers = (await services.catalog.view()).categories.flatMap((c) =>
      c.products.flatMap((p) => p.tiers),
    );
    const parsed = parseCouponCommand(
      String(ctx.match ?? ""),
      (level) => tiers.find((t) => t.level === level)?.id,
    );
    if (typeof parsed === "string") return ctx.reply(`${parsed}\n\n${COUPON_USAGE}`);
    const row = await services.coupons.create(ctx.account.user, parsed);
    return ctx.reply(`Coupon <code>${row.code}</code> created.`, { parse_mode: "HTML" });
  }

  async function listCoupons(ctx: BotContext) {
    const rows = await services.coupons.list();
    if (rows.length === 0) return ctx.reply(`No coupons yet.\n\n${COUPON_USAGE}`);
    const lines = rows.map((c) => {
      const off =
        c.percentOff !== null ? `${c.percentOff}%` : formatMoney(c.amountOffMinor ?? 0, c.currency ?? "GBP");
      const used = `${c.redemptions}${c.maxRedemptions !== null ? `/${c.maxRedemptions}` : ""} used`;
      const until = c.expiresAt ? `, until ${formatTime(c.expiresAt)}` : "";
      return `• <code>${c.code}</code> — ${off} off, ${used}${until}${c.firstOrderOnly ? ", first order only" : ""}`;
    });
    const keyboard = new InlineKeyboard();
    for (const c of rows) keyboard.text(`🗑 ${c.code}`, `coupon:del:${c.code}`).row();
    return ctx.reply(lines.join("\n"), { parse_mode: "HTML", reply_markup: keyboard });
  }

  return {
    commands: [
      {
        names: ["coupon"],
        summary: "CODE 20% [max=…] [expires=…] — create a coupon",
        role: "admin",
        run: createCoupon,
      },
      { names: ["coupons"], summary: "coupons and their redemptions", role: "admin", run: listCoupons },
    ],
    install(bot) {
      bot.callbackQuery(new RegExp(`^trial:(${ID})$`), (ctx) => startTrial(ctx, ctx.match[1]!));
      bot.callbackQuery(new RegExp(`^order:coupon:(${ID})$`), (ctx) => askCode(ctx, ctx.match[1]!));
      bot.callbackQuery(/^coupon:del:([A-Z0-9_-]{3,32})$/, async (ctx) => {
        if (ctx.account.role !== "admin") return ctx.answerCallbackQuery({ text: "Admins only." });
        await services.coupons.remove(ctx.account.user, ctx.match[1]!);
        await ctx.answerCallbackQuery({ text: `Coupon ${ctx.match[1]} deleted` });
        return ctx.editMessageReplyMarkup();
      });
    },
    answers: { coupon_code: applyCode },
  };
}
