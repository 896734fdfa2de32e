import { Api } from "grammy";
import type { Metrics } from "../../shared/metrics";
import type { RateLimiter } from "../../shared/rate-limit";
import { settingsFeature } from "./settings.feature";
import { startFeature } from "./start.feature";
import { statusFeature } from "./status.feature";
import { botInfoFrom } from "./telegram.api";
import { createBot } from "./telegram.bot";
import type { BotFeature, BotServices } from "./telegram.context";
import { createUpdateIntake } from "./telegram.intake";
import { createMaintenance } from "./telegram.maintenance";
import { outboxRepository } from "./telegram.outbox";
import { createPoller } from "./telegram.polling";
import { createOutboxSender } from "./telegram.sender";

export const ALLOWED_UPDATES = ["message", "callback_query", "pre_checkout_query", "my_chat_member"] as const;
const SLOW_DOWN_TEXT =
  "You are sending messages too fast. Please slow down: I will answer again in a few seconds.";

export type TelegramBot = ReturnType<typeof createTelegramBot>;

/**
 * The bot and everything around it: intake (webhook or polling), the paced outbox sender and
 * housekeeping. Built with the other services; `start()` is the only thing that talks to
 * Telegram on its own.
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

  const sender = createOutboxSender({
    db: services.db,
    // A separate client without the direct-reply retry: the sender reschedules instead of waiting.
    api: new Api(token, { apiRoot: config.telegram.apiRoot }),
    rateLimiter,
    logger,
    messagesTotal: deps.metrics.counter("telegram_messages_total", "Queued Telegram messages by outcome", [
      "result",
    ]),
  });

  const features: BotFeature[] = [];
  features.push(
    startFeature(() => features.flatMap((f) => f.commands)),
    statusFeature(services),
    settingsFeature(services),
  );
  const bot = createBot({ token, botInfo, apiRoot: config.telegram.apiRoot, services, features });

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
    async slowDown(chatId) {
      await outbox.enqueue([{ chatId, text: SLOW_DOWN_TEXT }]);
      sender.poke();
    },
  });

  const poller =
    mode === "polling"
      ? createPoller({ api: bot.api, accept: intake.accept, logger, allowedUpdates: ALLOWED_UPDATES })
      : undefined;
  const maintenance = createMaintenance({ db: services.db, logger });

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

  return {
    mode,
    bot,
    intake,
    sender,
    outbox,
    botUsername: botInfo.username,
    async start(): Promise<void> {
      if (mode === "webhook") await registerWebhook();
      poller?.start();
      sender.start();
      maintenance.start();
    },
    /** Stops taking updates, lets running handlers finish (bounded), then stops sending. */
    async stop(timeoutMs = 5_000): Promise<void> {
      await poller?.stop();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([intake.settled(), timeout]);
      clearTimeout(timer);
      maintenance.stop();
      await sender.stop();
    },
  };
}
