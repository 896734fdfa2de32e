import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { ResolvedConfig } from "./config";
import type { Database } from "./db/client";
import { createAuditService } from "./modules/audit/audit.service";
import { createGuards } from "./modules/auth/auth.guards";
import { createTokenService } from "./modules/auth/auth.tokens";
import { createCatalogService } from "./modules/catalog/catalog.service";
import { createEntitlementsService } from "./modules/entitlements/entitlements.service";
import { DEFAULT_PRICING } from "./modules/pricing/pricing.models";
import { createRateProvider, withFxRates } from "./modules/pricing/pricing.rates";
import { createPricingService } from "./modules/pricing/pricing.service";
import { createTelegramBot } from "./modules/telegram/telegram.module";
import { createUsersService } from "./modules/users/users.service";
import type { Clock } from "./shared/clock";
import { createEventBus } from "./shared/events";
import { createMetrics } from "./shared/metrics";
import { memoryRateLimiter, perMinute, redisRateLimiter } from "./shared/rate-limit";

export interface DepsInput {
  config: ResolvedConfig;
  database: Database;
  clock: Clock;
  logger: Logger;
  /** Set once migrations are applied; /readyz reports it. */
  migrated?: () => boolean;
}

export type Deps = Awaited<ReturnType<typeof createDeps>>;

/** The composition root: every service is built here from config, database and clock. */
export async function createDeps(input: DepsInput) {
  const { config, database, clock, logger } = input;
  const db = database.db;
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : undefined;
  const rateLimiter = redis ? redisRateLimiter(redis) : memoryRateLimiter();
  const metrics = createMetrics({ defaultMetrics: true });

  const events = createEventBus((err, event) => logger.error({ err, event }, "event listener failed"));
  const audit = createAuditService({ db, clock });
  const catalog = createCatalogService({ db, clock, audit });
  const entitlements = createEntitlementsService({ db, clock, catalog, audit, events });
  const pricingSettings = withFxRates(DEFAULT_PRICING, config.pricing.fxRates);
  const fxRates = createRateProvider({
    settings: pricingSettings,
    source: config.pricing.fxRateSourceUrl ? { url: config.pricing.fxRateSourceUrl } : undefined,
    clock,
    logger,
  });
  // No affiliate program is wired yet, so nobody is a referred buyer; the affiliates module replaces this.
  const referrals = { isReferred: async (_userId: string) => false };
  const pricing = createPricingService({ catalog, rates: fxRates, settings: pricingSettings, referrals });
  const users = createUsersService({
    db,
    clock,
    adminTelegramIds: config.adminTelegramIds,
    access: () => entitlements,
  });
  const tokens = createTokenService({ secret: config.jwtSecret, clock });
  const guards = createGuards({
    tokens,
    users,
    adminTelegramIds: config.adminTelegramIds,
    rateLimiter,
    userRule: perMinute(config.rateLimit.userPerMinute),
  });

  // The bot calls the same services as the HTTP API; it exists only when a token and a mode are set.
  const telegram =
    config.telegram.mode !== "off" && config.telegram.botToken
      ? createTelegramBot({
          services: { config, db, clock, logger, audit, users, catalog, entitlements, pricing },
          rateLimiter,
          metrics,
        })
      : undefined;

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
    tokens,
    guards,
    telegram,
    migrated: input.migrated ?? (() => true),
    async close() {
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
