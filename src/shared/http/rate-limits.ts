import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import { CommonErrors } from "../errors";
import { fallbackHttpStore } from "../redis-outage";
import {
  type Budgets,
  budgetOf,
  isExempt,
  type PrincipalKind,
  type RouteConfig,
  signerKey,
  WINDOW_MS,
} from "./rate-limit-principals";
import { fixedWindowCounter, type MemoryRateLimit, type WindowCount } from "./rate-limit-window";

export type { Budgets, PrincipalKind } from "./rate-limit-principals";

const SIGNER_HEADERS = ["x-device-id", "x-producer-id"] as const;

/**
 * A request that names a principal: a bearer token, a console session cookie, or on a signed
 * route a signature's id header. Whether it is genuine is decided later (guards, signature
 * check); until then it is counted nowhere, so an anonymous flood from one address never spends
 * anyone else's budget. (An id header elsewhere proves nothing and is not a way around the count.)
 */
function carriesCredentials(request: FastifyRequest, config: RouteConfig, sessionCookie: string): boolean {
  if (typeof request.headers.authorization === "string") return true;
  if (config?.signed === true && SIGNER_HEADERS.some((name) => typeof request.headers[name] === "string"))
    return true;
  const cookie = request.headers.cookie;
  return typeof cookie === "string" && cookie.includes(`${sessionCookie}=`);
}

/**
 * The principal a request is counted against: a signed-in user by id, a verified device or
 * producer by id, anyone else by client address (`request.ip`, which honours TRUST_PROXY).
 */
export function principalKey(request: FastifyRequest): string {
  if (request.authUser) return `user:${request.authUser.id}`;
  if (request.signerId) return signerKey(request, request.signerId);
  return `ip:${request.ip}`;
}

const DETAIL: Record<PrincipalKind, string> = {
  ip: "Too many requests from this address",
  user: "Too many requests for this user",
  device: "Too many requests from this device",
  producer: "Too many requests from this producer",
};

/**
 * Per-principal HTTP rate limits: one fixed window per principal and minute, counted in
 * @fastify/rate-limit's Redis store (under `<REDIS_KEY_PREFIX>rl:`) when Redis is configured, so
 * instances share the counts, and in this process's memory otherwise (rate-limit-window.ts, the
 * same window as the plugin's memory store, without its awaits: the signed poll pays this on
 * every request).
 *
 * The plugin's own route hook runs once per request, after the route's guards; that cannot
 * express "anonymous requests are counted before anything else runs, signed-in ones once they are
 * known", so the plugin supplies only the counting (`createRateLimit`) and the two hooks here
 * choose when: a request without credentials at `onRequest` (before its body is read or a guard
 * answers 401), a request with credentials at `preHandler`, once the guard or the signature check
 * has said who it is. Routes with `config: { rateLimit: false }` (webhooks, health, pages) are
 * not counted. Without Redis it resolves with the memory count, for the signed empty poll.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  opts: { budgets: Budgets; redis?: Redis; keyPrefix: string; sessionCookie: string },
): Promise<MemoryRateLimit | undefined> {
  const memory = opts.redis ? undefined : memoryRateLimit(opts.budgets);
  const count: Counter = memory
    ? (request) => memory.count(principalKey(request))
    : await createCounter(app, { ...opts, redis: opts.redis! });

  /** Undefined when the request may go on; the 429 to answer otherwise. */
  function enforce(reply: FastifyReply, result: WindowCount): Error | undefined {
    reply.header("x-ratelimit-limit", result.max);
    reply.header("x-ratelimit-remaining", result.remaining);
    reply.header("x-ratelimit-reset", result.ttlInSeconds);
    if (!result.isExceeded) return undefined;
    const kind = result.key.slice(0, result.key.indexOf(":")) as PrincipalKind;
    return CommonErrors.rateLimited(DETAIL[kind], {
      headers: { "retry-after": String(Math.max(1, result.ttlInSeconds)) },
    });
  }

  // Callback hooks that read the route's config once: `request.routeOptions` builds a new object
  // on every read, and an async hook costs a promise even when it has nothing to count (every
  // signed request at onRequest, every anonymous one at preHandler). The memory count answers
  // at once, without a promise.
  const enforceThen = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const result = count(request);
    if (!(result instanceof Promise)) return done(enforce(reply, result));
    result.then((settled) => done(enforce(reply, settled)), done);
  };
  app.addHook("onRequest", (request, reply, done) => {
    const config = request.routeOptions.config;
    if (isExempt(config) || carriesCredentials(request, config, opts.sessionCookie)) return done();
    enforceThen(request, reply, done);
  });
  app.addHook("preHandler", (request, reply, done) => {
    const config = request.routeOptions.config;
    if (isExempt(config) || !carriesCredentials(request, config, opts.sessionCookie)) return done();
    // Counted already, with its nonce (Redis): the same window, limit and headers, one call fewer.
    const counted = request.signedWindowCount;
    if (counted !== undefined) {
      // Not kept for the life of the request: a long poll is parked with it for up to 30 s.
      request.signedWindowCount = undefined;
      return done(enforce(reply, counted));
    }
    // A credential a public route ignored (no guard ran) counts against the address, as anonymous.
    enforceThen(request, reply, done);
  });
  return memory;
}

type Counter = (request: FastifyRequest) => WindowCount | Promise<WindowCount>;

function memoryRateLimit(budgets: Budgets): MemoryRateLimit {
  const countInWindow = fixedWindowCounter({ windowMs: WINDOW_MS });
  return {
    hasRoom: (key) => countInWindow.hasRoom(key, budgetOf(budgets, key)),
    count: (key) => countInWindow(key, budgetOf(budgets, key)),
  };
}

async function createCounter(
  app: FastifyInstance,
  opts: { budgets: Budgets; redis: Redis; keyPrefix: string },
): Promise<Counter> {
  await app.register(rateLimit, {
    global: false,
    timeWindow: WINDOW_MS,
    max: (_request, key) => budgetOf(opts.budgets, key),
    keyGenerator: principalKey,
    // While Redis is away each instance counts alone (redis-outage.ts).
    store: fallbackHttpStore(opts.redis, `${opts.keyPrefix}rl:`, app.log),
  });
  // No allow list is configured, so every result is a count (`isAllowed` is never true).
  return app.createRateLimit() as (request: FastifyRequest) => Promise<WindowCount>;
}
