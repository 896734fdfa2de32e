import { createRequire } from "node:module";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import { CommonErrors } from "./errors";
import { memoryRateLimiter, type RateLimiter } from "./rate-limit";
import type { SharedNonceStore } from "./signing";

/** Where the outage is told (pino, or Fastify's logger over it). */
type Logger = Pick<FastifyBaseLogger, "warn" | "info">;

/**
 * What each Redis-backed part does while Redis cannot be reached (README, "While Redis is away").
 * Every Redis command is bounded (`commandTimeout` in deps.ts), so none of these waits for long.
 */

/**
 * How soon a client refused for want of Redis is asked to come back. Short: ioredis reconnects
 * within 2 s of Redis answering again, and every second an EA waits past that is a trade entry
 * or a stop move late (at 5 s, the fault suite's devices took 5-7.5 s to be served after a heal).
 */
export const REDIS_RETRY_SECONDS = 2;

/**
 * Replay protection fails closed: a signed request (device, producer) or a Telegram sign-in
 * whose nonce cannot be recorded is refused with 503 `service.unavailable` and Retry-After, and
 * nothing it asked for is done. Falling back to this instance's memory or to a PostgreSQL table
 * would let a request spent through Redis on another instance be accepted again here; recording
 * every nonce in PostgreSQL as well would put a write on every poll.
 */
export function failClosedNonces(store: SharedNonceStore, logger: Logger): SharedNonceStore {
  return {
    async remember(id, nonce, ttlSeconds) {
      try {
        return await store.remember(id, nonce, ttlSeconds);
      } catch (err) {
        throw nonceStoreUnreachable(err, logger);
      }
    },
  };
}

/** The 503 a signed request gets when its nonce could not be recorded (logged once per request). */
export function nonceStoreUnreachable(err: unknown, logger: Logger): Error {
  logger.warn({ err }, "nonce store unreachable: signed request refused");
  return CommonErrors.unavailable("Replay protection is unreachable right now; retry shortly", {
    headers: { "retry-after": String(REDIS_RETRY_SECONDS) },
  });
}

/** Logs the first failure of an outage and the recovery, not one line per request. */
function outageLog(logger: Logger, what: string) {
  let away = false;
  return {
    failed(err: unknown) {
      if (!away) logger.warn({ err }, `${what}: Redis unreachable, counting in this instance's memory`);
      away = true;
    },
    answered() {
      if (away) logger.info(`${what}: Redis answers again, counts shared again`);
      away = false;
    },
  };
}

/**
 * The token buckets (bot sends, alert URLs) fall back to this instance's memory: each instance
 * then paces on its own, so the shared limit is looser (up to one budget per instance) until
 * Redis answers again.
 */
export function fallbackRateLimiter(shared: RateLimiter, logger: Logger): RateLimiter {
  const local = memoryRateLimiter();
  const log = outageLog(logger, "rate limiter");
  return {
    async take(key, rule, nowMs) {
      try {
        const decision = await shared.take(key, rule, nowMs);
        log.answered();
        return decision;
      } catch (err) {
        log.failed(err);
        return local.take(key, rule, nowMs);
      }
    },
  };
}

/**
 * @fastify/rate-limit's store contract (its exported types cannot be imported here: they redeclare
 * the route option `rateLimit` that ops.routes.ts narrows to `false`).
 */
type Counted = { current: number; ttl: number };
interface FastifyRateLimitStore {
  incr(key: string, callback: (error: Error | null, result?: Counted) => void, ...rest: unknown[]): void;
  child(routeOptions: unknown): FastifyRateLimitStore;
}
type FastifyRateLimitStoreCtor = new (options: object) => FastifyRateLimitStore;
const load = createRequire(import.meta.url);
const RedisStore = load("@fastify/rate-limit/store/RedisStore.js") as new (
  ...args: unknown[]
) => FastifyRateLimitStore;
const LocalStore = load("@fastify/rate-limit/store/LocalStore.js") as new (
  ...args: unknown[]
) => FastifyRateLimitStore;

/**
 * @fastify/rate-limit's store for the HTTP limits: its Redis store while Redis answers, its
 * in-memory store (per instance, so looser: one budget per instance) while it does not.
 */
export function fallbackHttpStore(
  redis: Redis,
  nameSpace: string,
  logger: Logger,
): FastifyRateLimitStoreCtor {
  const log = outageLog(logger, "HTTP rate limits");
  const pair = (shared: FastifyRateLimitStore, local: FastifyRateLimitStore): FastifyRateLimitStore => ({
    incr(key, callback, ...rest) {
      shared.incr(
        key,
        (err, result) => {
          if (!err) {
            log.answered();
            return callback(null, result);
          }
          log.failed(err);
          local.incr(key, callback, ...rest);
        },
        ...rest,
      );
    },
    child: (routeOptions) => pair(shared.child(routeOptions), local.child(routeOptions)),
  });
  return class {
    constructor(options: { continueExceeding?: boolean; exponentialBackoff?: boolean }) {
      const { continueExceeding, exponentialBackoff } = options;
      // biome-ignore lint/correctness/noConstructorReturn: @fastify/rate-limit constructs the store it is given
      return pair(
        new RedisStore(continueExceeding, exponentialBackoff, redis, nameSpace),
        new LocalStore(continueExceeding, exponentialBackoff),
      );
    }
  } as unknown as FastifyRateLimitStoreCtor;
}
