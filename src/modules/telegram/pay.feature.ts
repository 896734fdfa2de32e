import { InlineKeyboard } from "grammy";
import type { BotFeature, BotServices } from "./telegram.context";
import { ID } from "./telegram.models";

/** "Pay by card": the Stripe Checkout link of POST /orders/{id}/checkout, as a URL button. */
export function payFeature(services: Pick<BotServices, "payments">): BotFeature {
  return {
    commands: [],
    install(bot) {
      bot.callbackQuery(new RegExp(`^pay:card:(${ID})$`), async (ctx) => {
        const checkout = await services.payments.checkout(ctx.account.user.id, ctx.match[1]!);
        await ctx.answerCallbackQuery();
        if (checkout.sessionId.startsWith("free_")) {
          return ctx.reply(ctx.t("pay-free"));
        }
        return ctx.reply(ctx.t("pay-card"), {
          reply_markup: new InlineKeyboard().url(ctx.t("pay-open-checkout"), checkout.url),
        });
      });
    },
  };
}
