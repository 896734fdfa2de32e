import { InlineKeyboard } from "grammy";
import { COUPON_CODE } from "../pricing/coupons.models";
import type { QuoteMonths } from "../pricing/pricing.models";
import { orderSummary, payKeyboard } from "./shop.views";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { askFor } from "./telegram.conversations";
import { isRefusal } from "./telegram.errors";
import { escapeHtml, formatMoney, formatTime } from "./telegram.format";
import type { Translate } from "./telegram.i18n";
import { ID } from "./telegram.models";

const CODE_WAIT_MS = 10 * 60_000;

/** `/coupon CODE 20% max=5 expires=2026-12-31 tier=vip first` → the admin API's body; a string says what is wrong. */
export function parseCouponCommand(
  args: string,
  tierIdOf: (level: string) => string | undefined,
  t: Translate,
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
  if (!COUPON_CODE.test(code)) return t("coupon-bad-code");
  const out: ReturnType<typeof parseCouponCommand> & object = { code };
  const percent = /^(\d{1,3})%$/.exec(amount ?? "");
  const fixed = /^(\d+)(?:\.(\d{2}))?([A-Za-z]{3})$/.exec(amount ?? "");
  if (percent && Number(percent[1]) >= 1 && Number(percent[1]) <= 100) out.percentOff = Number(percent[1]);
  else if (fixed) {
    out.amountOffMinor = Number(fixed[1]) * 100 + Number(fixed[2] ?? 0);
    out.currency = fixed[3]!.toUpperCase();
  } else return t("coupon-bad-discount");
  for (const option of rest) {
    const [key, value] = option.split("=", 2);
    if (key === "first" && value === undefined) out.firstOrderOnly = true;
    else if (key === "max" && /^\d+$/.test(value ?? "") && Number(value) > 0)
      out.maxRedemptions = Number(value);
    else if (key === "expires" && value && !Number.isNaN(Date.parse(`${value}T23:59:59Z`))) {
      out.expiresAt = new Date(`${value}T23:59:59Z`);
    } else if (key === "tier" && value && tierIdOf(value))
      out.tierIds = [...(out.tierIds ?? []), tierIdOf(value)!];
    else return t("coupon-bad-option", { option });
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
      ctx.t("trial-started", {
        tier: escapeHtml(tier?.name ?? ctx.t("shop-plan")),
        at: formatTime(period.expiresAt),
      }),
      { parse_mode: "HTML" },
    );
  }

  async function askCode(ctx: BotContext, orderId: string) {
    await services.orders.getOwn(ctx.account.user.id, orderId);
    const expires = new Date(services.clock.now().getTime() + CODE_WAIT_MS);
    await askFor(services.db, ctx.account.user.telegramId, "coupon_code", expires, { orderId });
    await ctx.answerCallbackQuery();
    return ctx.reply(ctx.t("coupon-ask"));
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
        renewal: previous.renewal,
      },
    );
    // The first order would otherwise hold its price (and any coupon place) for a day.
    await services.orders.cancel(userId, previous.id).catch((err) => {
      if (!isRefusal(err)) throw err;
    });
    const tier = await services.catalog.findTier(order.tierId);
    return ctx.reply(orderSummary(order, tier?.name ?? ctx.t("shop-plan"), ctx.t), {
      parse_mode: "HTML",
      reply_markup: payKeyboard(order, ctx.t),
    });
  }

  async function createCoupon(ctx: BotContext) {
    const tiers = (await services.catalog.view()).categories.flatMap((c) =>
      c.products.flatMap((p) => p.tiers),
    );
    const parsed = parseCouponCommand(
      String(ctx.match ?? ""),
      (level) => tiers.find((t) => t.level === level)?.id,
      ctx.t,
    );
    if (typeof parsed === "string") return ctx.reply(`${parsed}\n\n${ctx.t("coupon-usage")}`);
    const row = await services.coupons.create(ctx.account.user, parsed);
    return ctx.reply(ctx.t("coupon-created", { code: row.code }), { parse_mode: "HTML" });
  }

  async function listCoupons(ctx: BotContext) {
    const rows = await services.coupons.list();
    if (rows.length === 0) return ctx.reply(`${ctx.t("coupons-none")}\n\n${ctx.t("coupon-usage")}`);
    const lines = rows.map((c) => {
      const off =
        c.percentOff !== null ? `${c.percentOff}%` : formatMoney(c.amountOffMinor ?? 0, c.currency ?? "GBP");
      const used = `${c.redemptions}${c.maxRedemptions !== null ? `/${c.maxRedemptions}` : ""}`;
      const until = c.expiresAt ? ctx.t("coupons-until", { at: formatTime(c.expiresAt) }) : "";
      const first = c.firstOrderOnly ? ctx.t("coupons-first-only") : "";
      return `${ctx.t("coupons-line", { code: c.code, off, used })}${until}${first}`;
    });
    const keyboard = new InlineKeyboard();
    for (const c of rows) keyboard.text(`🗑 ${c.code}`, `coupon:del:${c.code}`).row();
    return ctx.reply(lines.join("\n"), { parse_mode: "HTML", reply_markup: keyboard });
  }

  return {
    commands: [
      {
        names: ["coupon"],
        summary: "cmd-coupon",
        role: "admin",
        run: createCoupon,
      },
      { names: ["coupons"], summary: "cmd-coupons", role: "admin", run: listCoupons },
    ],
    install(bot) {
      bot.callbackQuery(new RegExp(`^trial:(${ID})$`), (ctx) => startTrial(ctx, ctx.match[1]!));
      bot.callbackQuery(new RegExp(`^order:coupon:(${ID})$`), (ctx) => askCode(ctx, ctx.match[1]!));
      bot.callbackQuery(/^coupon:del:([A-Z0-9_-]{3,32})$/, async (ctx) => {
        if (ctx.account.role !== "admin") return ctx.answerCallbackQuery({ text: ctx.t("admins-only") });
        await services.coupons.remove(ctx.account.user, ctx.match[1]!);
        await ctx.answerCallbackQuery({ text: ctx.t("coupon-deleted", { code: ctx.match[1]! }) });
        return ctx.editMessageReplyMarkup();
      });
    },
    answers: { coupon_code: applyCode },
  };
}
