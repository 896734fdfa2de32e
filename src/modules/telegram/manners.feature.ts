import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { takeOpenQuestion } from "./telegram.conversations";
import { escapeHtml } from "./telegram.format";

/**
 * The bot's manners that are commands of their own: /cancel drops the question the bot is
 * waiting on; /support and /terms (Telegram's payment rules ask for both) say what the operator
 * configured (BOT_SUPPORT_TEXT, BOT_TERMS_TEXT), or the catalogue's text. And the private chat's
 * `my_chat_member`: a person who blocks the bot is unreachable (skipped by broadcasts and
 * notifications) until they unblock it or write again.
 *
 * `my_chat_member` for groups and channels is not handled here: it falls through to whichever
 * feature installs a `bot.on("my_chat_member")` after this one (the channels feature).
 */
export function mannersFeature(
  services: Pick<BotServices, "db" | "clock" | "config" | "users" | "logger">,
): BotFeature {
  const configured = (text: string | undefined) => (text ? escapeHtml(text) : undefined);

  async function cancel(ctx: BotContext) {
    const open = await takeOpenQuestion(services.db, ctx.account.user.telegramId, services.clock.now());
    return ctx.reply(open ? ctx.t("cancel-done") : ctx.t("cancel-nothing"));
  }

  return {
    commands: [
      { names: ["cancel"], summary: "cmd-cancel", role: "all", keepsQuestion: true, run: cancel },
      {
        names: ["support"],
        summary: "cmd-support",
        role: "all",
        groups: true,
        run: (ctx) =>
          ctx.reply(configured(services.config.telegram.supportText) ?? ctx.t("support-text"), {
            parse_mode: "HTML",
          }),
      },
      {
        names: ["terms"],
        summary: "cmd-terms",
        role: "all",
        groups: true,
        run: (ctx) =>
          ctx.reply(configured(services.config.telegram.termsText) ?? ctx.t("terms-text"), {
            parse_mode: "HTML",
          }),
      },
    ],
    install(bot) {
      bot.chatType("private").on("my_chat_member", async (ctx) => {
        const status = ctx.myChatMember.new_chat_member.status;
        const reachable = status !== "kicked";
        if (await services.users.setReachable(ctx.chat.id, reachable)) {
          services.logger.info({ chatId: ctx.chat.id, status }, "telegram private chat reachability changed");
        }
      });
    },
  };
}
