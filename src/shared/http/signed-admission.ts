import type { FastifyBaseLogger, FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import { failClosedNonces, nonceStoreUnreachable } from "../redis-outage";
import { NONCE_TTL_SECONDS, type NonceStore, redisNonceStore, type SharedNonceStore } from "../signing";
import { type Budgets, budgetOf, isExempt, signerKey, WINDOW_MS } from "./rate-limit-principals";

/**
 * Spends a signed request's nonce (SET NX EX, as `redisNonceStore`) and, only when it was fresh,
 * counts the request in its signer's fixed window exactly as @fastify/rate-limit's Redis store
 * does (INCR; PEXPIRE for the first request of a window, PTTL for the others): one round trip
 * where there were two. A replayed nonce is refused without being counted, as before.
 */
const SPEND_AND_COUNT = `
if not redis.call('SET', KEYS[1], '1', 'EX', ARGV[1], 'NX') then return false end
local current = redis.call('INCR', KEYS[2])
local ttl = tonumber(ARGV[2])
if current == 1 then redis.call('PEXPIRE', KEYS[2], ttl) else ttl = redis.call('PTTL', KEYS[2]) end
return {current, ttl}
`;
const COMMAND = "sdSpendNonceAndCount";

type SpendAndCount = (
  nonceKey: string,
  windowKey: string,
  ttlSeconds: number,
  windowMs: number,
) => Promise<[number, number] | null>;

/** A nonce store that, for a signed HTTP request, counts it against its signer in the same call. */
export interface CountingNonceStore extends SharedNonceStore {
  /** The store one signed request spends its nonce in; a fresh one sets `request.signedWindowCount`. */
  forRequest(request: FastifyRequest): SharedNonceStore;
}

export const isCounting = (store: NonceStore): store is CountingNonceStore => "forRequest" in store;

/**
 * Replay protection and the HTTP rate limit of signed requests in one Redis call. Every signed
 * poll paid two (a SET NX for its nonce, then the plugin's script for its count), and writing
 * them was 13 % of an instance's busy time in the scale-out profile (docs/perf/scaleout.md).
 * Keys, window, limit, headers and 429 are the plugin's (`<prefix>rl:<kind>:<id>`, read by
 * rate-limits.ts's preHandler); only the moment of counting moves, from the preHandler to the
 * signature check, so a verified request that then fails validation (400) is counted too.
 * Fails closed like `failClosedNonces`: without Redis the request is refused 503.
 */
export function redisSignedAdmission(
  redis: Redis,
  opts: { keyPrefix: string; budgets: Budgets; logger: Pick<FastifyBaseLogger, "warn" | "info"> },
): CountingNonceStore {
  const noncePrefix = `${opts.keyPrefix}nonce:`;
  const windowPrefix = `${opts.keyPrefix}rl:`;
  // Nonces spent outside a signed HTTP request (a Telegram sign-in's) keep their one SET NX.
  const { remember } = failClosedNonces(redisNonceStore(redis, noncePrefix), opts.logger);
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 2, lua: SPEND_AND_COUNT });
  const spendAndCount = (redis as unknown as Record<typeof COMMAND, SpendAndCount>)[COMMAND].bind(redis);
  const refuse = (err: unknown) => {
    throw nonceStoreUnreachable(err, opts.logger);
  };

  return {
    remember,
    forRequest(request) {
      // A route the limits exempt is not counted; no signed route is today.
      if (isExempt(request.routeOptions.config)) return { remember };
      return {
        remember(id, nonce, ttlSeconds = NONCE_TTL_SECONDS) {
          const key = signerKey(request, id);
          return spendAndCount(
            `${noncePrefix}${id}:${nonce}`,
            `${windowPrefix}${key}`,
            ttlSeconds,
            WINDOW_MS,
          ).then((counted) => {
            if (counted === null) return false;
            const [current, ttl] = counted;
            const max = budgetOf(opts.budgets, key);
            request.signedWindowCount = {
              key,
              max,
              remaining: Math.max(0, max - current),
              ttlInSeconds: Math.ceil(ttl / 1000),
              isExceeded: current > max,
            };
            return true;
          }, refuse);
        },
      };
    },
  };
}
