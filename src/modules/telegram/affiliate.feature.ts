import { InlineKeyboard } from "grammy";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { isRefusal } from "./telegram.errors";
import { escapeHtml, formatMoney } from "./telegram.format";
import type { Translate } from "./telegram.i18n";
import { firstPress } from "./telegram.presses";

type AffiliateView = Awaited<ReturnType<BotServices["affiliates"]["view"]>>;

/** An affiliate tier (AFFILIATE_TIERS, affiliates.models.ts) as people read it: "silver" is Silver. */
const tierName = (tier: string) => tier.charAt(0).toUpperCase() + tier.slice(1);

function affiliateText(a: AffiliateView, t: Translate): string {
  const s = a.stats;
  const gbp = (n: number) => formatMoney(n, s.currency);
  return [
    t("aff-title", {
      code: escapeHtml(a.code),
      tier: tierName(a.tier),
      rate: String(a.rateBps / 100),
    }),
    "",
    t("aff-share"),
    ...(a.links.telegram ? [escapeHtml(a.links.telegram)] : []),
    escapeHtml(a.links.web),
    "",
    t("aff-referrals", { referrals: s.referrals, conversions: s.conversions }),
    t("aff-pending", { amount: gbp(s.pendingMinor) }),
    t("aff-balances", {
      available: gbp(s.availableMinor),
      requested: gbp(s.requestedMinor),
      paid: gbp(s.paidMinor),
    }),
  ].join("\n");
}

/** /affiliate: register, the referral links, stats, and a payout request for the whole spendable balance. */
export function affiliateFeature(
  services: Pick<BotServices, "affiliates" | "config" | "db" | "clock">,
): BotFeature {
  const minimum = services.config.affiliates.payoutMinimumMinor;

  async function show(ctx: BotContext) {
    let a: AffiliateView;
    try {
      a = await services.affiliates.view(ctx.account.user.id);
    } catch (err) {
      if (!isRefusal(err) || err.code !== "affiliates.not_registered") throw err;
      return ctx.reply(ctx.t("aff-pitch"), {
        reply_markup: new InlineKeyboard().text(ctx.t("aff-join"), "aff:join"),
      });
    }
    const { text, keyboard } = card(ctx, a);
    return ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
  }

  function card(ctx: BotContext, a: AffiliateView) {
    const spendable = a.stats.availableMinor - a.stats.requestedMinor;
    const keyboard = new InlineKeyboard();
    if (spendable >= minimum)
      keyboard.text(ctx.t("aff-request-payout", { amount: formatMoney(spendable, "GBP") }), "aff:payout");
    const footer =
      spendable >= minimum
        ? ""
        : `\n\n${ctx.t("aff-payout-minimum", { amount: formatMoney(minimum, "GBP") })}`;
    return { text: affiliateText(a, ctx.t) + footer, keyboard };
  }

  return {
    commands: [
      {
        names: ["affiliate"],
        summary: "cmd-affiliate",
        role: "all",
        run: (ctx) => show(ctx),
      },
    ],
    install(bot) {
      // The pitch turns into the card in place: a second tap finds the press taken, one card.
      bot.callbackQuery("aff:join", async (ctx) => {
        if (!(await firstPress(services.db, ctx, "aff:join", services.clock.now())))
          return ctx.answerCallbackQuery({ text: ctx.t("aff-already") });
        try {
          await services.affiliates.register(ctx.account.user.id);
        } catch (err) {
          // Joined from another message meanwhile: already an affiliate is what was asked for.
          if (!isRefusal(err) || err.code !== "affiliates.already_registered") throw err;
        }
        await ctx.answerCallbackQuery({ text: ctx.t("aff-welcome") });
        const { text, keyboard } = card(ctx, await services.affiliates.view(ctx.account.user.id));
        return ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: keyboard });
      });
      bot.callbackQuery("aff:payout", async (ctx) => {
        const a = await services.affiliates.view(ctx.account.user.id);
        const amount = a.stats.availableMinor - a.stats.requestedMinor;
        if (amount <= 0) {
          return ctx.answerCallbackQuery({ text: ctx.t("aff-nothing-left"), show_alert: true });
        }
        const payout = await services.affiliates.requestPayout(ctx.account.user.id, amount);
        await ctx.answerCallbackQuery({ text: ctx.t("aff-payout-requested-toast") });
        // A first payout waits for an admin's review (issue 17): the affiliate is told why it takes longer.
        return ctx.reply(
          ctx.t(payout.heldForReview ? "aff-payout-requested-held" : "aff-payout-requested", {
            id: payout.id,
            amount: formatMoney(payout.amountMinor, "GBP"),
          }),
        );
      });
    },
  };
}
