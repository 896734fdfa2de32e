import { eq } from "drizzle-orm";
import { Api } from "grammy";
import type { Metrics } from "../../shared/metrics";
import type { RateLimiter } from "../../shared/rate-limit";
import { users } from "../users/users.table";
import { adminFeature } from "./admin.feature";
import { affiliateFeature } from "./affiliate.feature";
import { channelsFeature } from "./channels.feature";
import { deviceSettingsFeature } from "./device-settings.feature";
import { devicesFeature } from "./devices.feature";
import { languageFeature } from "./language.feature";
import { mannersFeature } from "./manners.feature";
import { offersFeature } from "./offers.feature";
import { payFeature } from "./pay.feature";
import { payoutsFeature } from "./payouts.feature";
import { positionsFeature } from "./positions.feature";
import { recordFeature } from "./record.feature";
import { settingsFeature } from "./settings.feature";
import { shopFeature } from "./shop.feature";
import { signalsFeature } from "./signals.feature";
import { starsFeature } from "./stars.feature";
import { heldStarsFeature } from "./stars-held.feature";
import { startFeature } from "./start.feature";
import { statusFeature } from "./status.feature";
import { subscriptionsFeature } from "./subscriptions.feature";
import { botInfoFrom } from "./telegram.api";
import { createBot } from "./telegram.bot";
import { createChannelsPort } from "./telegram.channels-port";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { escapeHtml } from "./telegram.format";
import { createI18n, DEFAULT_LOCALE, LOCALES, type Locale, localeOf } from "./telegram.i18n";
import { createUpdateIntake } from "./telegram.intake";
import { createJobs } from "./telegram.jobs";
import { pruneTelegramTables } from "./telegram.maintenance";
import { createNotifications } from "./telegram.notifications";
import { outboxRepository } from "./telegram.outbox";
import { createPacer } from "./telegram.pacer";
import { createPoller } from "./telegram.polling";
import { broadcastToAll } from "./telegram.recipients";
import { createOrdersRelay } from "./telegram.relay";
import { createRenewalReminders } from "./telegram.reminders";
import { createOutboxSender } from "./telegram.sender";

export const ALLOWED_UPDATES = [
  "message",
  "callback_query",
  "pre_checkout_query",
  "my_chat_member",
  "chat_member",
  "chat_join_request",
] as const;
const HOUR_MS = 3_600_000;
/** Renewal notices are looked for this often: an "access ended" message follows the end within it. */
const RENEWALS_EVERY_MS = 300_000;
const AFFILIATE_NEWS_EVERY_MS = 600_000;
/** Longer than a getUpdates long poll (25 s), short enough that a dead connection is noticed. */
export const API_TIMEOUT_SECONDS = 40;

export type TelegramBot = ReturnType<typeof createTelegramBot>;

/**
 * The bot and everything around it: intake (webhook or polling), the features, notifications,
 * the paced outbox sender and background jobs. Building it talks to nobody; `start()` does.
 */
export function createTelegramBot(deps: {
  services: BotServices;
  rateLimiter: RateLimiter;
  metrics: Pick<Metrics, "counter">;
}) {
  const { services, rateLimiter } = deps;
  const { config, logger } = services;
  const token = config.telegram.botToken!;
  const mode = config.telegram.mode;
  const botInfo = botInfoFrom(token, config.telegram.botUsername ?? `bot${token.split(":")[0]}`);
  const outbox = outboxRepository(services.db);
  const catalogues = createI18n<BotContext>({
    logger,
    negotiate: (ctx) =>
      localeOf(ctx.account?.user.locale, ctx.from?.language_code ?? ctx.account?.user.languageCode),
  });
  const tr = catalogues.translator;

  // One pace for every call to Telegram: the bot's client (replies, channel work) takes it through
  // its transformer; the outbox sender takes it itself and, on a 429, reschedules instead of waiting.
  const pacer = createPacer({ rateLimiter });
  const queuedApi = new Api(token, { apiRoot: config.telegram.apiRoot, timeoutSeconds: API_TIMEOUT_SECONDS });
  const sender = createOutboxSender({
    db: services.db,
    api: queuedApi,
    pacer,
    rateLimiter,
    logger,
    onUnreachable: async (chatId) => {
      if (await services.users.setReachable(chatId, false))
        logger.info({ chatId }, "telegram user blocked the bot; skipped until they write again");
    },
    messagesTotal: deps.metrics.counter("telegram_messages_total", "Queued Telegram messages by outcome", [
      "result",
    ]),
  });
  const poke = () => sender.poke();

  const heldStars = heldStarsFeature(services, tr, poke);
  const features: BotFeature[] = [];
  features.push(
    startFeature(() => features.flatMap((f) => f.commands), config.publicUrl),
    shopFeature(services),
    offersFeature(services),
    payFeature(services),
    starsFeature(services, heldStars),
    heldStars.feature,
    statusFeature(services),
    subscriptionsFeature(services),
    languageFeature(services),
    mannersFeature(services),
    devicesFeature(services),
    deviceSettingsFeature(services),
    signalsFeature(services),
    settingsFeature(services),
    affiliateFeature(services),
    adminFeature(services, outbox, poke),
    positionsFeature(services),
    recordFeature(services),
    payoutsFeature(services),
    channelsFeature(services, outbox, poke),
  );
  const bot = createBot({
    token,
    botInfo,
    apiRoot: config.telegram.apiRoot,
    timeoutSeconds: API_TIMEOUT_SECONDS,
    services,
    features,
    catalogues,
    pacer,
  });
  // Channel work (approvals, removals, posts) is bulk: its own client, held to the overall pace.
  const channelsApi = new Api(token, {
    apiRoot: config.telegram.apiRoot,
    timeoutSeconds: API_TIMEOUT_SECONDS,
  });
  channelsApi.config.use(pacer.transformer("bulk"));
  const channelsPort = createChannelsPort({ api: channelsApi, pacer, botId: botInfo.id });

  const intake = createUpdateIntake({
    db: services.db,
    clock: services.clock,
    logger,
    rateLimiter,
    botUsername: botInfo.username,
    updatesTotal: deps.metrics.counter("telegram_updates_total", "Telegram updates by kind and outcome", [
      "kind",
      "status",
    ]),
    handle: (update) => bot.handleUpdate(update),
    concurrency: config.telegram.handlerConcurrency,
    async slowDown(chatId) {
      const [user] = await services.db
        .select({ locale: users.locale, languageCode: users.languageCode })
        .from(users)
        .where(eq(users.telegramId, chatId));
      await outbox.enqueue([{ chatId, text: tr(localeOf(user?.locale, user?.languageCode))("slow-down") }]);
      poke();
    },
  });

  const notifications = createNotifications({ services, outbox, poke, logger, catalogues });
  const now = () => services.clock.now();
  const relay = createOrdersRelay({ db: services.db, now, translator: tr });
  const reminders = createRenewalReminders({ renewals: services.renewals, translator: tr });
  const jobs = createJobs(
    [
      { name: "relay", everyMs: 1_000, run: async () => (await relay.runOnce()) > 0 && poke() },
      {
        name: "reminders",
        everyMs: RENEWALS_EVERY_MS,
        run: async () => (await reminders.runOnce()) > 0 && poke(),
      },
      { name: "prune", everyMs: HOUR_MS, run: () => pruneTelegramTables(services.db) },
      // Commissions are available once their hold ends (a time, not an event): looked for on a timer.
      {
        name: "affiliate-available",
        everyMs: AFFILIATE_NEWS_EVERY_MS,
        run: () => notifications.affiliateCommissionsAvailable(),
      },
      // Acknowledged updates a crashed process (this one before a restart, or another instance) left.
      { name: "resume", everyMs: 60_000, run: () => intake.resume() },
    ],
    logger,
  );

  const poller =
    mode === "polling"
      ? createPoller({ api: bot.api, accept: intake.accept, logger, allowedUpdates: ALLOWED_UPDATES })
      : undefined;

  async function registerWebhook(): Promise<void> {
    const url = `${config.publicUrl}/telegram/webhook`;
    try {
      await bot.api.setWebhook(url, {
        secret_token: config.telegram.webhookSecret,
        allowed_updates: [...ALLOWED_UPDATES],
      });
      logger.info({ url }, "telegram webhook registered");
    } catch (err) {
      logger.error({ err: (err as Error).message, url }, "could not register the telegram webhook");
    }
  }

  let announcing: Promise<void> = Promise.resolve();

  /**
   * The "/" menu in Telegram's apps, in each language (Telegram picks by the person's app
   * language; English is the default): everyone's commands, and the admin ones in admins' chats.
   */
  async function publishCommands(): Promise<void> {
    const commands = features.flatMap((f) => f.commands);
    const menu = (role: "all" | "admin", locale: Locale) =>
      commands
        .filter((c) => c.role === "all" || role === "admin")
        .map((c) => ({ command: c.names[0], description: tr(locale)(c.summary) }));
    const calls = [
      ...LOCALES.map(
        (locale) => () =>
          bot.api.setMyCommands(
            menu("all", locale),
            locale === DEFAULT_LOCALE ? {} : { language_code: locale },
          ),
      ),
      ...[...config.adminTelegramIds].map(
        (id) => () =>
          bot.api.setMyCommands(menu("admin", DEFAULT_LOCALE), { scope: { type: "chat", chat_id: id } }),
      ),
    ];
    for (const call of calls) {
      // An admin who never opened the bot has no chat yet; the others still get their menu.
      await call().catch((err: Error) =>
        logger.warn({ err: err.message }, "could not publish the bot's commands"),
      );
    }
  }

  return {
    mode,
    bot,
    intake,
    sender,
    outbox,
    pacer,
    channelsPort,
    botUsername: botInfo.username,
    notifications,
    /** Moves order events from the outbox to the bot's queue now instead of on the next tick. */
    relayNow: async () => {
      await jobs.runNow("relay");
    },
    /** Everything queued so far reaches the outbox (events composed, order events relayed). */
    async flushNotifications(): Promise<void> {
      await notifications.settled();
      await jobs.runNow("relay");
    },
    runReminders: () => jobs.runNow("reminders"),
    runAffiliateNews: () => jobs.runNow("affiliate-available"),
    /** A broadcast from the console: one message per user through the paced outbox. */
    broadcast: (broadcastId: string, text: string) =>
      broadcastToAll(services.db, outbox, poke, broadcastId, escapeHtml(text)),
    /** Starts the loops at once; webhook and menu registration run alongside, never delaying startup. */
    start(): void {
      announcing = (async () => {
        if (mode === "webhook") await registerWebhook();
        await publishCommands();
      })();
      poller?.start();
      sender.start();
      jobs.start();
      void jobs.runNow("resume");
    },
    /** Stops taking updates, lets running handlers finish (bounded), then stops sending. */
    async stop(timeoutMs = 5_000): Promise<void> {
      await poller?.stop();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.all([announcing, intake.settled(), notifications.settled()]), timeout]);
      clearTimeout(timer);
      await jobs.stop();
      await sender.stop();
    },
  };
}
