import { InlineKeyboard } from "grammy";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { LOCALES, type Locale, localeOf, NATIVE_NAMES } from "./telegram.i18n";

/**
 * /language: buttons for every language the bot speaks; the choice is stored on the user and
 * wins over Telegram's language_code from then on (notifications included).
 */
export function languageFeature(services: Pick<BotServices, "users">): BotFeature {
  const current = (ctx: BotContext) => localeOf(ctx.account.user.locale, ctx.from?.language_code);

  function keyboard(active: Locale): InlineKeyboard {
    const kb = new InlineKeyboard();
    for (const locale of LOCALES)
      kb.text(locale === active ? `• ${NATIVE_NAMES[locale]}` : NATIVE_NAMES[locale], `lang:${locale}`).row();
    return kb;
  }

  return {
    commands: [
      {
        names: ["language"],
        summary: "cmd-language",
        role: "all",
        run: (ctx) =>
          ctx.reply(ctx.t("language-choose", { language: NATIVE_NAMES[current(ctx)] }), {
            reply_markup: keyboard(current(ctx)),
          }),
      },
    ],
    install(bot) {
      bot.callbackQuery(new RegExp(`^lang:(${LOCALES.join("|")})$`), async (ctx) => {
        const locale = ctx.match[1] as Locale;
        ctx.account.user = await services.users.updateProfile(ctx.account.user.id, { locale });
        ctx.i18n.useLocale(locale);
        await ctx.answerCallbackQuery({ text: NATIVE_NAMES[locale] });
        return ctx.editMessageText(ctx.t("language-saved", { language: NATIVE_NAMES[locale] }));
      });
    },
  };
}
