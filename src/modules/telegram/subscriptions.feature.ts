import { InlineKeyboard } from "grammy";
import { planName } from "../catalog/catalog.models";
import type { SubscriptionView } from "../subscriptions/subscriptions.service";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { escapeHtml, formatMoney, formatTime } from "./telegram.format";
import type { Translate } from "./telegram.i18n";
import { ID } from "./telegram.models";

type Services = Pick<BotServices, "subscriptions" | "catalog" | "orders">;

/** The subscriptions a person can still act on: an ended one is history (the API lists it). */
const live = (items: SubscriptionView[]) => items.filter((s) => s.status !== "ended");

async function planOf(services: Services, s: SubscriptionView): Promise<string> {
  const tier = await services.catalog.findTier(s.tierId);
  return escapeHtml(tier ? planName(tier.level) : s.tierId);
}

/**
 * What each period costs, as the person pays it: a Star subscription in the stars its order was
 * invoiced for (Telegram charges that amount every 30 days), a card one in its currency.
 */
async function priceOf(services: Services, userId: string, s: SubscriptionView): Promise<string> {
  if (s.provider === "stars") {
    const row = await services.subscriptions.getOwn(userId, s.id);
    const stars = (await services.orders.findById(row.orderId))?.starsAmount;
    if (stars) return `${stars} ⭐`;
  }
  return formatMoney(s.amountMinor, s.currency);
}

/** One line per live subscription: what it costs, how often, and what happens next. */
async function line(services: Services, userId: string, s: SubscriptionView, t: Translate): Promise<string> {
  const plan = await planOf(services, s);
  const price = await priceOf(services, userId, s);
  const end = s.currentPeriodEnd ? formatTime(s.currentPeriodEnd) : "—";
  const key =
    s.status === "cancelled"
      ? "sub-line-cancelled"
      : s.status === "past_due"
        ? "sub-line-past-due"
        : "sub-line-active";
  return t(key, { plan, price, months: s.months, end });
}

/**
 * The /status section for auto-renewing plans: a line each, a cancel (or resume) button each,
 * and the card page for card subscriptions. Empty when the person has none.
 */
export async function subscriptionsSection(
  services: Services,
  userId: string,
  t: Translate,
): Promise<{ lines: string[]; buttons: { text: string; data: string }[] }> {
  const subs = live(await services.subscriptions.listOwn(userId));
  if (subs.length === 0) return { lines: [], buttons: [] };
  const lines = ["", t("sub-title")];
  const buttons: { text: string; data: string }[] = [];
  for (const s of subs) {
    lines.push(await line(services, userId, s, t));
    const plan = await planOf(services, s);
    buttons.push(
      s.status === "cancelled"
        ? { text: t("sub-btn-resume", { plan }), data: `sub:r:${s.id}` }
        : { text: t("sub-btn-cancel", { plan }), data: `sub:c:${s.id}` },
    );
  }
  if (subs.some((s) => s.provider === "stripe")) buttons.push({ text: t("sub-btn-card"), data: "sub:card" });
  return { lines, buttons };
}

/**
 * Auto-renewal from the bot (API.md §13): cancel at period end after a confirmation that says
 * what the person keeps, resume while the period runs, and the card page (Stripe's customer
 * portal) for a card that failed or changed. The same services as the HTTP API.
 */
export function subscriptionsFeature(services: Services): BotFeature {
  const own = async (ctx: BotContext, id: string) => {
    const row = await services.subscriptions.getOwn(ctx.account.user.id, id);
    return services.subscriptions.viewOne(row);
  };
  const endOf = (s: SubscriptionView) => (s.currentPeriodEnd ? formatTime(s.currentPeriodEnd) : "—");

  return {
    commands: [],
    install(bot) {
      bot.callbackQuery(new RegExp(`^sub:c:(${ID})$`), async (ctx) => {
        const s = await own(ctx, ctx.match[1]!);
        await ctx.answerCallbackQuery();
        if (s.status === "cancelled" || s.status === "ended")
          return ctx.reply(ctx.t("sub-already-off", { end: endOf(s) }));
        const keyboard = new InlineKeyboard()
          .text(ctx.t("sub-btn-confirm-cancel"), `sub:cy:${s.id}`)
          .row()
          .text(ctx.t("sub-btn-keep"), "sub:keep");
        return ctx.reply(
          ctx.t("sub-confirm-cancel", {
            plan: await planOf(services, s),
            price: await priceOf(services, ctx.account.user.id, s),
            end: endOf(s),
          }),
          { parse_mode: "HTML", reply_markup: keyboard },
        );
      });
      bot.callbackQuery(new RegExp(`^sub:cy:(${ID})$`), async (ctx) => {
        const s = await services.subscriptions.cancel(ctx.account.user.id, ctx.match[1]!);
        await ctx.answerCallbackQuery({ text: ctx.t("sub-cancelled-toast") });
        // The question is settled: its buttons go, the answer takes its place.
        return ctx.editMessageText(
          ctx.t("sub-cancelled", { plan: await planOf(services, s), end: endOf(s) }),
          {
            parse_mode: "HTML",
            reply_markup: new InlineKeyboard().text(ctx.t("sub-btn-resume-short"), `sub:re:${s.id}`),
          },
        );
      });
      bot.callbackQuery("sub:keep", async (ctx) => {
        await ctx.answerCallbackQuery();
        return ctx.editMessageText(ctx.t("sub-kept"));
      });
      // `sub:r:` from /status answers below it; `sub:re:` sits under the "cancelled" answer, which becomes the new state.
      bot.callbackQuery(new RegExp(`^sub:(r|re):(${ID})$`), async (ctx) => {
        const s = await services.subscriptions.resume(ctx.account.user.id, ctx.match[2]!);
        await ctx.answerCallbackQuery({ text: ctx.t("sub-resumed-toast") });
        const text = ctx.t("sub-resumed", {
          plan: await planOf(services, s),
          price: await priceOf(services, ctx.account.user.id, s),
          end: endOf(s),
        });
        if (ctx.match[1] === "re") return ctx.editMessageText(text, { parse_mode: "HTML" });
        return ctx.reply(text, { parse_mode: "HTML" });
      });
      bot.callbackQuery("sub:card", async (ctx) => {
        // A portal session is short-lived: one is made per press, never stored in a message.
        const { url } = await services.subscriptions.billingPortal(ctx.account.user.id);
        await ctx.answerCallbackQuery();
        return ctx.reply(ctx.t("sub-card-text"), {
          reply_markup: new InlineKeyboard().url(ctx.t("sub-btn-card-open"), url),
        });
      });
    },
  };
}

/** The message a failed renewal sends (outbox topic `subscriptions.past_due`), with the card button. */
export function pastDueMessage(p: Record<string, unknown>, t: Translate) {
  const text = t("sub-past-due", {
    plan: escapeHtml(planName(String(p.level))),
    until: formatTime(String(p.graceUntil)),
  });
  const replyMarkup =
    String(p.provider) === "stripe"
      ? new InlineKeyboard().text(t("sub-btn-card"), "sub:card").row().text(t("menu-status"), "menu:status")
      : new InlineKeyboard().text(t("menu-status"), "menu:status");
  return { text, replyMarkup };
}
