import { InlineKeyboard } from "grammy";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { isRefusal } from "./telegram.errors";
import { escapeHtml, formatMoney } from "./telegram.format";

type AffiliateView = Awaited<ReturnType<BotServices["affiliates"]["view"]>>;

const TIER_NAMES: Record<string, string> = {
  bronze: "Bronze",
  silver: "Silver",
  gold: "Gold",
  platinum: "Platinum",
};

function affiliateText(a: AffiliateView): string {
  const s = a.stats;
  const gbp = (n: number) => formatMoney(n, s.currency);
  return [
    `<b>Affiliate ${escapeHtml(a.code)}</b> — ${TIER_NAMES[a.tier] ?? a.tier}, ${a.rateBps / 100} % commission`,
    "",
    "Share your link:",
    ...(a.links.telegram ? [escapeHtml(a.links.telegram)] : []),
    escapeHtml(a.links.web),
    "",
    `Referrals: ${s.referrals} · paying: ${s.conversions}`,
    `Pending (refund window): ${gbp(s.pendingMinor)}`,
    `Available: ${gbp(s.availableMinor)} · requested: ${gbp(s.requestedMinor)} · paid: ${gbp(s.paidMinor)}`,
  ].join("\n");
}

/** /affiliate: register, the referral links, stats, and a payout request for the whole spendable balance. */
export function affiliateFeature(services: Pick<BotServices, "affiliates" | "config">): BotFeature {
  const minimum = services.config.affiliates.payoutMinimumMinor;

  async function show(ctx: BotContext, view?: AffiliateView) {
    let a = view;
    if (!a) {
      try {
        a = await services.affiliates.view(ctx.account.user.id);
      } catch (err) {
        if (!isRefusal(err) || err.code !== "affiliates.not_registered") throw err;
        return ctx.reply(
          "Bring traders to signaldesk and earn a commission on every plan they buy for 12 months.",
          { reply_markup: new InlineKeyboard().text("🤝 Become an affiliate", "aff:join") },
        );
      }
    }
    const spendable = a.stats.availableMinor - a.stats.requestedMinor;
    const keyboard = new InlineKeyboard();
    if (spendable >= minimum)
      keyboard.text(`💸 Request payout of ${formatMoney(spendable, "GBP")}`, "aff:payout");
    const footer =
      spendable >= minimum
        ? ""
        : `\n\nPayouts can be requested from ${formatMoney(minimum, "GBP")} available.`;
    return ctx.reply(affiliateText(a) + footer, { parse_mode: "HTML", reply_markup: keyboard });
  }

  return {
    commands: [
      {
        names: ["affiliate"],
        summary: "your referral link, stats and payouts",
        role: "all",
        run: (ctx) => show(ctx),
      },
    ],
    install(bot) {
      bot.callbackQuery("aff:join", async (ctx) => {
        try {
          await services.affiliates.register(ctx.account.user.id);
        } catch (err) {
          // Pressed twice: already an affiliate is exactly what was asked for.
          if (!isRefusal(err) || err.code !== "affiliates.already_registered") throw err;
        }
        await ctx.answerCallbackQuery({ text: "Welcome aboard!" });
        return show(ctx);
      });
      bot.callbackQuery("aff:payout", async (ctx) => {
        const a = await services.affiliates.view(ctx.account.user.id);
        const amount = a.stats.availableMinor - a.stats.requestedMinor;
        if (amount <= 0) {
          return ctx.answerCallbackQuery({
            text: "Everything available has already been requested.",
            show_alert: true,
          });
        }
        const payout = await services.affiliates.requestPayout(ctx.account.user.id, amount);
        await ctx.answerCallbackQuery({ text: "Payout requested" });
        return ctx.reply(
          `Payout ${payout.id} of ${formatMoney(payout.amountMinor, "GBP")} requested. An admin will settle it soon.`,
        );
      });
    },
  };
}
