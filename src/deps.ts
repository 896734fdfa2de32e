import type { Logger } from "pino";
import type { ResolvedConfig } from "./config";
import type { Database } from "./db/client";
import { PAYOUT_INTERVAL_MS } from "./modules/affiliates/affiliates.models";
import { createAffiliatesService } from "./modules/affiliates/affiliates.service";
import { createAuditService } from "./modules/audit/audit.service";
import { createGuards } from "./modules/auth/auth.guards";
import { createTokenService } from "./modules/auth/auth.tokens";
import { createCatalogService } from "./modules/catalog/catalog.service";
import { createChannelsModule } from "./modules/channels/channels.module";
import type { ChannelsBotPort } from "./modules/channels/channels.port";
import { csrfMatches, readCookie, SESSION_COOKIE } from "./modules/console/console.models";
import { consoleQueries } from "./modules/console/console.queries";
import { createConsoleSessions } from "./modules/console/console.sessions";
import { adminStats } from "./modules/console/console.stats";
import { deliveryBusFor } from "./modules/delivery/delivery.bus";
import { createDeliveryService } from "./modules/delivery/delivery.service";
import { createLastSeenBuffer } from "./modules/devices/devices.last-seen";
import { createDevicesService } from "./modules/devices/devices.service";
import { createEntitlementsService } from "./modules/entitlements/entitlements.service";
import { createExecutionsService } from "./modules/executions/executions.service";
import { createOrdersService } from "./modules/orders/orders.service";
import { createSweeper } from "./modules/orders/orders.sweeper";
import { createPaymentsService } from "./modules/payments/payments.service";
import { starsInvoiceLinks, starsRefunds } from "./modules/payments/payments.stars";
import { createStripeGateway } from "./modules/payments/payments.stripe";
import { createUnappliedPayments } from "./modules/payments/unapplied.service";
import { createCouponsService } from "./modules/pricing/coupons.service";
import { DEFAULT_PRICING } from "./modules/pricing/pricing.models";
import { createRateProvider, withFxRates } from "./modules/pricing/pricing.rates";
import { createPricingService } from "./modules/pricing/pricing.service";
import { createAlertUrlsService } from "./modules/producers/producers.alerts";
import { createProducersService } from "./modules/producers/producers.service";
import { createRenewalsService } from "./modules/renewals/renewals.service";
import { createPositionsService } from "./modules/signals/signals.positions";
import { createSignalsService } from "./modules/signals/signals.service";
import { subscriptionsAutoRenewal } from "./modules/subscriptions/subscriptions.renewal";
import { createSubscriptionsService } from "./modules/subscriptions/subscriptions.service";
import { starsGateway } from "./modules/subscriptions/subscriptions.stars";
import { channelWords, createI18n, starsInvoiceWords } from "./modules/telegram/telegram.i18n";
import { createTrackRecordService } from "./modules/track-record/track-record.service";
import { createUsersService } from "./modules/users/users.service";
import { registerReactions } from "./reactions";
import type { Clock } from "./shared/clock";
import { createEvents } from "./shared/events";
import { redisSignedAdmission } from "./shared/http/signed-admission";
import { createIdempotencyService } from "./shared/idempotency/idempotency.service";
import { createMetrics } from "./shared/metrics";
import { memoryRateLimiter, redisRateLimiter } from "./shared/rate-limit";
import { fallbackRateLimiter } from "./shared/redis-outage";
import { memoryNonceStore } from "./shared/signing";
import { reasonOf, StartupError, safeTarget } from "./shared/startup-errors";

export interface DepsInput {
  config: ResolvedConfig;
  database: Database;
  clock: Clock;
  logger: Logger;
  /** Set once migrations are applied; /readyz reports it. */
  migrated?: () => boolean;
}

/** Redis, answering: an unreachable one stops the start with a line naming REDIS_URL. */
async function connectRedis(url: string, logger: Logger) {
  // While Redis is away a command waits (offline queue) through at most two reconnection attempts
  // and never longer than commandTimeout, then fails; each part then does what redis-outage.ts
  // says (fail closed, or count locally). ioredis itself keeps reconnecting for ever.
  const redis = new (await import("ioredis")).Redis(url, { maxRetriesPerRequest: 2, commandTimeout: 2_000 });
  // The connection's own error (ECONNREFUSED, ENOTFOUND, NOAUTH) says more than the retry limit.
  let connectionError: unknown;
  const remember = (err: unknown) => {
    connectionError = err;
  };
  redis.on("error", remember);
  try {
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new StartupError(
      `REDIS_URL: cannot reach Redis at ${safeTarget(url)} (${reasonOf(connectionError ?? err)})`,
    );
  } finally {
    redis.off("error", remember);
  }
  // Without a listener ioredis prints every connection error as an "Unhandled error event".
  let reported = false;
  redis.on("error", (err) => {
    if (!reported) logger.warn({ err }, "Redis connection lost; reconnecting");
    reported = true;
  });
  redis.on("ready", () => {
    if (reported) logger.info("Redis connection back");
    reported = false;
  });
  return redis;
}

export type Deps = Awaited<ReturnType<typeof createDeps>>;

/** The composition root: every service is built here from config, database and clock. */
export async function createDeps(input: DepsInput) {
  const { config, database, clock, logger } = input;
  const db = database.db;
  // ioredis is loaded only when Redis is configured.
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  // HTTP limits are @fastify/rate-limit's (src/shared/http/rate-limits.ts); this token-bucket
  // limiter paces what no HTTP request carries: the bot's sends and updates, and alert URLs.
  const rateLimiter = redis
    ? fallbackRateLimiter(redisRateLimiter(redis, `${config.redisKeyPrefix}rl:`), logger)
    : memoryRateLimiter();
  const metrics = createMetrics({ defaultMetrics: true });

  const events = createEvents((err, event) => logger.error({ err, event }, "event reaction failed"));
  const audit = createAuditService({ db, clock });
  const catalog = createCatalogService({ db, clock, audit });
  const entitlements = createEntitlementsService({ db, clock, catalog, audit, events });
  const fxFailures = metrics.counter(
    "fx_rate_refresh_failures_total",
    "FX rate refreshes refused, by reason",
    ["reason"],
  );
  const pricingSettings = withFxRates(DEFAULT_PRICING, config.pricing.fxRates);
  const fxRates = createRateProvider({
    settings: pricingSettings,
    source: config.pricing.fxRateSourceUrl ? { url: config.pricing.fxRateSourceUrl } : undefined,
    clock,
    logger,
    maxDeviationPct: config.pricing.fxMaxDeviationPct,
    onFailure: (reason) => fxFailures.inc({ reason }),
  });
  const affiliates = createAffiliatesService({
    db,
    clock,
    audit,
    settings: {
      schedule: { thresholds: config.affiliates.tierThresholds, ratesBps: config.affiliates.tierRatesBps },
      holdDays: config.affiliates.holdDays,
      payoutMinimumMinor: config.affiliates.payoutMinimumMinor,
      payoutIntervalMs: PAYOUT_INTERVAL_MS,
      publicUrl: config.publicUrl,
      botUsername: () => config.telegram.botUsername,
    },
    commissionsTotal: metrics.counter("affiliate_commissions_total", "Commission ledger entries by status", [
      "status",
    ]),
    events,
  });
  const coupons = createCouponsService({ db, clock, audit });
  const pricing = createPricingService({
    catalog,
    rates: fxRates,
    settings: pricingSettings,
    referrals: affiliates,
    coupons,
  });
  const users = createUsersService({
    db,
    clock,
    events,
    audit,
    adminTelegramIds: config.adminTelegramIds,
    access: () => entitlements,
    referrals: () => affiliates,
  });
  const tokens = createTokenService({ secret: config.jwtSecret, clock });
  const consoleSessions = createConsoleSessions({
    db,
    clock,
    audit,
    publicUrl: config.publicUrl,
    csrfKey: config.jwtSecret,
  });
  const guards = createGuards({
    tokens,
    users,
    adminTelegramIds: config.adminTelegramIds,
    sessions: {
      cookieName: SESSION_COOKIE,
      verify: consoleSessions.verify,
      csrfTokenFor: consoleSessions.csrfTokenFor,
      csrfMatches,
      readCookie,
    },
  });

  // The signal relay: devices sign with derived secrets, polls are served from memory.
  const nonces = redis
    ? redisSignedAdmission(redis, { keyPrefix: config.redisKeyPrefix, budgets: config.rateLimit, logger })
    : memoryNonceStore({ clock });
  const lastSeen = createLastSeenBuffer({ db, logger });
  const devices = createDevicesService({
    db,
    clock,
    masterKey: config.masterKey,
    access: entitlements,
    audit,
    lastSeen,
    events,
  });
  const producers = createProducersService({ db, clock, masterKey: config.masterKey, audit });
  const signals = createSignalsService({
    db,
    clock,
    audit,
    events,
    publishedTotal: metrics.counter("signals_published_total", "Signals published"),
  });
  const positions = createPositionsService({ db, clock, audit, events });
  const alertUrls = createAlertUrlsService({ db, clock, audit, publicUrl: config.publicUrl });
  const trackRecord = createTrackRecordService({ db, clock });
  const delivery = createDeliveryService({
    db,
    clock,
    logger,
    devices,
    signals,
    events,
    bus: deliveryBusFor({ redis, pool: database.pool, prefix: config.redisKeyPrefix, logger }),
    maxParked: config.pollMaxParked,
  });
  const devicePolls = metrics.counter("device_polls_total", "Signed device polls by result", ["result"]);
  const executions = createExecutionsService({
    db,
    clock,
    events,
    delivery,
    signals,
    users,
    metrics: {
      executions: metrics.counter("executions_total", "Execution reports that changed state", ["status"]),
      deliverySeconds: metrics.histogram(
        "signal_delivery_seconds",
        "From approval to the device's ACK",
        [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      ),
    },
  });
  const idempotency = createIdempotencyService({ db, clock });
  const orders = createOrdersService({
    db,
    clock,
    pricing,
    coupons,
    entitlements,
    audit,
    events,
    metrics,
  });
  const stripe = await createStripeGateway(config.stripe, clock);
  const subscriptions = createSubscriptionsService({
    db,
    clock,
    events,
    orders,
    entitlements,
    users: { telegramIdOf: async (userId) => (await users.findById(userId))?.telegramId },
    gateways: { stripe, stars: config.telegram.botToken ? starsGateway(config.telegram) : undefined },
    portalReturnUrl: () =>
      config.telegram.botUsername ? `https://t.me/${config.telegram.botUsername}` : `${config.publicUrl}/app`,
    logger,
  });
  // The bot's catalogues, for what other modules word in a person's language (channel posts, invoices).
  const catalogues = createI18n({ logger });
  const payments = createPaymentsService({
    db,
    clock,
    orders,
    catalog,
    stripe,
    stars: {
      links: config.telegram.botToken ? starsInvoiceLinks(config.telegram) : undefined,
      refunds: config.telegram.botToken ? starsRefunds(config.telegram) : undefined,
      perGbp: config.pricing.starsPerGbp,
      words: starsInvoiceWords(catalogues),
    },
    users,
    subscriptions,
    publicUrl: config.publicUrl,
    pageSecret: config.jwtSecret,
    events,
    metrics,
    logger,
  });
  const sweeper = createSweeper({
    logger,
    tasks: {
      "orders.expire": () => orders.expireOverdue(),
      "idempotency.purge": () => idempotency.purgeExpired(),
      "console.purge": () => consoleSessions.purgeExpired(),
    },
  });

  // Channels reach Telegram through the bot's paced sender, known once the bot is built below.
  let channelsBot: ChannelsBotPort | undefined;
  const channels = createChannelsModule({
    db,
    clock,
    logger,
    audit,
    events,
    access: entitlements,
    users,
    bot: () => channelsBot,
    words: channelWords(catalogues),
    exemptTelegramIds: config.adminTelegramIds,
  });

  const renewals = createRenewalsService({ db, clock, autoRenewal: subscriptionsAutoRenewal(db) });
  const unappliedPayments = createUnappliedPayments({ db, clock, audit });

  // The bot calls the same services as the HTTP API; it exists only when a token and a mode are set.
  // The bot's modules (grammy and every feature) are loaded only when it runs: with the bot off
  // they are ~0.15 s of a cold start that nothing uses (docs/perf/cold-start.md).
  const telegram =
    config.telegram.mode !== "off" && config.telegram.botToken
      ? (await import("./modules/telegram/telegram.module")).createTelegramBot({
          services: {
            config,
            db,
            clock,
            logger,
            audit,
            users,
            catalog,
            entitlements,
            pricing,
            coupons,
            orders,
            payments,
            subscriptions,
            devices,
            signals,
            positions,
            executions,
            affiliates,
            trackRecord,
            consoleSessions,
            channels,
            renewals,
            unappliedPayments,
          },
          rateLimiter,
          metrics,
        })
      : undefined;
  channelsBot = telegram?.channelsPort;
  registerReactions({
    events,
    affiliates,
    delivery,
    orders,
    payments,
    telegram,
    channels,
    users,
    logger,
    stripe,
  });

  return {
    config,
    database,
    db,
    clock,
    logger,
    redis,
    rateLimiter,
    metrics,
    events,
    audit,
    users,
    catalog,
    entitlements,
    pricing,
    coupons,
    affiliates,
    tokens,
    guards,
    consoleSessions,
    consoleQueries: consoleQueries(db),
    adminStats: (days: number) => adminStats(db, clock.now(), days),
    secureCookies: config.publicUrl.startsWith("https:"),
    nonces,
    lastSeen,
    devices,
    producers,
    signals,
    positions,
    alertUrls,
    trackRecord,
    delivery,
    devicePolls,
    executions,
    telegram,
    channels,
    renewals,
    unappliedPayments,
    idempotency,
    orders,
    payments,
    subscriptions,
    sweeper,
    migrated: input.migrated ?? (() => true),
    /** Releases what the services hold; the background work has been stopped first (main.ts). */
    async close() {
      // Reactions to already-committed changes still write (notifications); let them finish, bounded.
      await Promise.race([events.settled(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
