import { Bot, type Composer, type NextFunction } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { effectiveRole } from "../users/users.models";
import { retryAfterTransformer } from "./telegram.api";
import type { Account, BotContext, BotFeature, BotServices, CommandSpec } from "./telegram.context";
import { clearConversation, takeOpenQuestion } from "./telegram.conversations";
import { isRefusal, refusalText, SOMETHING_WENT_WRONG, STALE_BUTTON } from "./telegram.errors";
import { referralCodeOf } from "./telegram.models";

export interface BotOptions {
  token: string;
  botInfo: UserFromGetMe;
  apiRoot: string;
  timeoutSeconds: number;
  services: BotServices;
  features: BotFeature[];
}

/** Tells the person what went wrong; refusals end there, real failures go on to be recorded. */
async function errorBoundary(ctx: BotContext, next: NextFunction): Promise<void> {
  try {
    await next();
  } catch (err) {
    const text = isRefusal(err) ? refusalText(err) : SOMETHING_WENT_WRONG;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true }).catch(() => {});
    else if (ctx.chat) await ctx.reply(text).catch(() => {});
    if (!isRefusal(err)) throw err;
  }
}

/** Resolves the person behind the update, creating them on first contact (with their referral). */
function accountMiddleware(services: BotServices) {
  return async (ctx: BotContext, next: NextFunction): Promise<void> => {
    const from = ctx.from;
    if (!from || from.is_bot) return;
    const { user } = await services.users.ensureFromTelegram(
      {
        telegramId: from.id,
        username: from.username ?? null,
        firstName: [from.first_name, from.last_name].filter(Boolean).join(" "),
        languageCode: from.language_code ?? null,
      },
      { referralCode: referralCodeOf(ctx.message?.text) ?? null },
    );
    const account: Account = { user, role: effectiveRole(user, services.config.adminTelegramIds) };
    ctx.account = account;
    await next();
  };
}

const SHORT_HELP = "Try /shop, /status, /devices, /signals or /help.";

function routeCommands(bot: Composer<BotContext>, services: BotServices, commands: CommandSpec[]): void {
  const run = async (ctx: BotContext, spec: CommandSpec) => {
    if (spec.role === "admin" && ctx.account.role !== "admin") {
      services.logger.info({ userId: ctx.account.user.id, command: spec.names[0] }, "admin command refused");
      return ctx.reply("That command is only for admins.");
    }
    // A new command abandons any question the bot was waiting on.
    await clearConversation(services.db, ctx.account.user.telegramId);
    return spec.run(ctx);
  };
  for (const spec of commands) bot.command(spec.names, (ctx) => run(ctx, spec));
  bot.callbackQuery(/^menu:([a-z]+)$/, async (ctx) => {
    const spec = commands.find((c) => c.names[0] === ctx.match[1]);
    if (!spec) return ctx.answerCallbackQuery({ text: STALE_BUTTON });
    await ctx.answerCallbackQuery();
    return run(ctx, spec);
  });
}

/** Plain text answering a question the bot asked goes to the feature that asked it. */
function routeAnswers(bot: Composer<BotContext>, services: BotServices, features: BotFeature[]): void {
  const handlers = Object.assign({}, ...features.map((f) => f.answers ?? {})) as NonNullable<
    BotFeature["answers"]
  >;
  bot.chatType("private").on("message:text", async (ctx, next) => {
    if (ctx.message.text.startsWith("/")) return next();
    const open = await takeOpenQuestion(services.db, ctx.account.user.telegramId, services.clock.now());
    const handler = open && handlers[open.kind];
    if (!handler) return next();
    return handler(ctx, ctx.message.text.trim(), open.data);
  });
}

/**
 * The bot: an update router over the features. Built from configuration alone (botInfo, API
 * root), so it never calls Telegram until an update needs a reply.
 */
export function createBot(options: BotOptions): Bot<BotContext> {
  const bot = new Bot<BotContext>(options.token, {
    botInfo: options.botInfo,
    client: { apiRoot: options.apiRoot, timeoutSeconds: options.timeoutSeconds },
  });
  bot.api.config.use(retryAfterTransformer());
  bot.use(errorBoundary);
  bot.use(accountMiddleware(options.services));
  const commands = options.features.flatMap((f) => f.commands);
  routeCommands(bot, options.services, commands);
  for (const feature of options.features) feature.install?.(bot);
  routeAnswers(bot, options.services, options.features);
  bot.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: STALE_BUTTON }));
  bot.on("message::bot_command", (ctx) => ctx.reply(`I do not know that command. ${SHORT_HELP}`));
  // In a group, chatter not meant for the bot must not get an answer.
  bot.chatType("private").on("message", (ctx) => ctx.reply(`I did not understand that. ${SHORT_HELP}`));
  return bot;
}
