import { Bot, type Composer, InlineKeyboard, type NextFunction } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { Batcher } from "../../shared/batcher";
import { effectiveRole } from "../users/users.models";
import type { Account, BotContext, BotFeature, BotServices, CommandSpec } from "./telegram.context";
import { type ConversationBatches, conversationBatches } from "./telegram.conversations";
import { isRefusal, refusalText } from "./telegram.errors";
import { type Catalogues, localeOf } from "./telegram.i18n";
import { commandOf, referralCodeOf } from "./telegram.models";
import type { Pacer } from "./telegram.pacer";

export interface BotOptions {
  token: string;
  botInfo: UserFromGetMe;
  apiRoot: string;
  timeoutSeconds: number;
  services: BotServices;
  features: BotFeature[];
  catalogues: Catalogues;
  /**
   * The one pace of calls to Telegram, shared with the outbox sender and the channels; the bot's
   * own client answers people, so it keeps the pauses but not the bulk pace (see `transformer`).
   */
  pacer: Pacer;
}

/** Tells the person what went wrong; refusals end there, real failures go on to be recorded. */
const errorBoundary = (catalogues: Catalogues) => async (ctx: BotContext, next: NextFunction) => {
  try {
    await next();
  } catch (err) {
    // Before the account is known the person's language is not either: Telegram's guess it is.
    const t =
      typeof ctx.t === "function" ? ctx.t : catalogues.translator(localeOf(null, ctx.from?.language_code));
    const text = isRefusal(err) ? refusalText(err, t) : t("error-something-went-wrong");
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true }).catch(() => {});
    else if (ctx.chat) await ctx.reply(text).catch(() => {});
    if (!isRefusal(err)) throw err;
  }
};

/**
 * Resolves the person behind the update, creating them on first contact (with their referral).
 * The updates being handled at once are resolved together: one read for all of them, and one
 * transaction for all the newcomers among them.
 */
function accountMiddleware(services: BotServices) {
  const sights = new Batcher(
    (batch: Parameters<BotServices["users"]["ensureManyFromTelegram"]>[0]) =>
      services.users.ensureManyFromTelegram(batch),
    (sight) => String(sight.telegramId),
    { maxBatch: 200, maxInFlight: 4 },
  );
  return async (ctx: BotContext, next: NextFunction): Promise<void> => {
    const from = ctx.from;
    if (!from || from.is_bot) return;
    const { user } = await sights.submit({
      telegramId: from.id,
      username: from.username ?? null,
      firstName: [from.first_name, from.last_name].filter(Boolean).join(" "),
      languageCode: from.language_code ?? null,
      referralCode: referralCodeOf(ctx.message?.text) ?? null,
    });
    const account: Account = { user, role: effectiveRole(user, services.config.adminTelegramIds) };
    ctx.account = account;
    // Writing to the bot again (after blocking it) makes a person reachable again.
    if (user.unreachableAt && ctx.chat?.type === "private" && (ctx.message || ctx.callbackQuery)) {
      await services.users.setReachable(from.id, true);
      account.user = { ...user, unreachableAt: null };
    }
    await next();
  };
}

/**
 * Commands, matched case-insensitively (`/SHOP` is `/shop`) and only when addressed to this bot
 * (`/help@OtherBot` in a group is someone else's). The text after the command is `ctx.match`.
 */
function routeCommands(
  bot: Composer<BotContext>,
  services: BotServices,
  conversations: ConversationBatches,
  commands: CommandSpec[],
  botUsername: string,
): void {
  const byName = new Map(commands.flatMap((spec) => spec.names.map((name) => [name, spec] as const)));
  const run = async (ctx: BotContext, spec: CommandSpec) => {
    if (!spec.groups && ctx.chat && ctx.chat.type !== "private") return pointToPrivateChat(ctx, botUsername);
    if (spec.role === "admin" && ctx.account.role !== "admin") {
      services.logger.info({ userId: ctx.account.user.id, command: spec.names[0] }, "admin command refused");
      return ctx.reply(ctx.t("error-admins-only"));
    }
    // A new command abandons any question the bot was waiting on.
    if (!spec.keepsQuestion) await conversations.clear(ctx.account.user.telegramId);
    return spec.run(ctx);
  };
  bot.on("message:text", async (ctx, next) => {
    const text = ctx.message.text;
    if (!text.startsWith("/")) return next();
    const name = commandOf(text, botUsername);
    // Addressed to another bot: not ours to answer, nor to call unknown.
    if (name === undefined) return /^\/\w+@\w+/.test(text) ? undefined : next();
    const spec = byName.get(name);
    if (!spec) return next();
    ctx.match = text.slice(text.search(/\s|$/)).trim();
    return run(ctx, spec);
  });
  bot.callbackQuery(/^menu:([a-z]+)$/, async (ctx) => {
    const spec = commands.find((c) => c.names[0] === ctx.match[1]);
    if (!spec) return ctx.answerCallbackQuery({ text: ctx.t("error-stale-button") });
    await ctx.answerCallbackQuery();
    return run(ctx, spec);
  });
}

/** Buttons of personal flows (plans, payments, devices, affiliate, admin tools): private chats only. */
const PERSONAL_BUTTONS =
  /^(menu|shop|pay|order|trial|dev|ds|aff|sig|region|auto|lang|po|pos|coupon|draft|stars|cancel):/;

/**
 * A personal command or button used in a group: one short line and a button that opens the
 * private chat, never the answer itself (a device secret or a payment must not land in a group).
 */
function pointToPrivateChat(ctx: BotContext, botUsername: string) {
  const keyboard = new InlineKeyboard().url(ctx.t("private-open"), `https://t.me/${botUsername}`);
  if (ctx.callbackQuery) return ctx.answerCallbackQuery({ text: ctx.t("private-only"), show_alert: true });
  return ctx.reply(ctx.t("private-only"), {
    reply_markup: keyboard,
    ...(ctx.msg?.message_id ? { reply_parameters: { message_id: ctx.msg.message_id } } : {}),
  });
}

/** Plain text answering a question the bot asked goes to the feature that asked it. */
function routeAnswers(
  bot: Composer<BotContext>,
  services: BotServices,
  conversations: ConversationBatches,
  features: BotFeature[],
): void {
  const handlers = Object.assign({}, ...features.map((f) => f.answers ?? {})) as NonNullable<
    BotFeature["answers"]
  >;
  bot.chatType("private").on("message:text", async (ctx, next) => {
    if (ctx.message.text.startsWith("/")) return next();
    const open = await conversations.take(ctx.account.user.telegramId, services.clock.now());
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
  bot.api.config.use(options.pacer.transformer("reply"));
  bot.use(errorBoundary(options.catalogues));
  bot.use(accountMiddleware(options.services));
  bot.use(options.catalogues.i18n.middleware());
  bot.on("callback_query:data", async (ctx, next) => {
    const chat = ctx.callbackQuery.message?.chat;
    if (chat && chat.type !== "private" && PERSONAL_BUTTONS.test(ctx.callbackQuery.data))
      return pointToPrivateChat(ctx, options.botInfo.username);
    return next();
  });
  const commands = options.features.flatMap((f) => f.commands);
  const conversations = conversationBatches(options.services.db);
  routeCommands(bot, options.services, conversations, commands, options.botInfo.username);
  for (const feature of options.features) feature.install?.(bot);
  routeAnswers(bot, options.services, conversations, options.features);
  bot.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: ctx.t("error-stale-button") }));
  bot.chatType("private").on("message::bot_command", (ctx) => ctx.reply(ctx.t("error-unknown-command")));
  // In a group, chatter not meant for the bot must not get an answer.
  bot.chatType("private").on("message", (ctx) => ctx.reply(ctx.t("error-not-understood")));
  return bot;
}
