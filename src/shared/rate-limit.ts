import type { Redis } from "ioredis";

export interface BucketRule {
  /** Requests allowed in a burst. */
  capacity: number;
  /** Tokens regained per second after the burst. */
  refillPerSecond: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until one more request would be allowed (0 when allowed). */
  retryAfterSeconds: number;
}

/** Token buckets, in memory for one instance or in Redis when several share the limits. */
export interface RateLimiter {
  take(key: string, rule: BucketRule, nowMs?: number): Promise<RateDecision>;
}

export const perMinute = (n: number): BucketRule => ({ capacity: n, refillPerSecond: n / 60 });

function refill(tokens: number, elapsedMs: number, rule: BucketRule): number {
  return Math.min(rule.capacity, tokens + (elapsedMs / 1000) * rule.refillPerSecond);
}

function retryAfter(tokens: number, rule: BucketRule): number {
  return Math.max(1, Math.ceil((1 - tokens) / rule.refillPerSecond));
}

export function memoryRateLimiter(): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number; rule: BucketRule }>();
  let lastSweep = Date.now();
  // Full buckets carry no information; dropping them keeps memory bounded by active keys.
  const sweep = (now: number) => {
    if (now - lastSweep < 60_000) return;
    lastSweep = now;
    for (const [key, b] of buckets)
      if (refill(b.tokens, now - b.at, b.rule) >= b.rule.capacity) buckets.delete(key);
  };
  return {
    async take(key, rule, nowMs = Date.now()) {
      sweep(nowMs);
      const b = buckets.get(key);
      const tokens = b ? refill(b.tokens, nowMs - b.at, rule) : rule.capacity;
      if (tokens < 1) {
        buckets.set(key, { tokens, at: nowMs, rule });
        return { allowed: false, retryAfterSeconds: retryAfter(tokens, rule) };
      }
      buckets.set(key, { tokens: tokens - 1, at: nowMs, rule });
      return { allowed: true, retryAfterSeconds: 0 };
    },
  };
}

// Atomic read-refill-take in Redis, so instances never both spend the last token.
const TAKE_SCRIPT = `
local b = redis.call('HMGET', KEYS[1], 't', 'at')
local cap = tonumber(ARGV[1]); local rate = tonumber(ARGV[2]); local now = tonumber(ARGV[3])
local tokens = tonumber(b[1]) or cap
local at = tonumber(b[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - at) / 1000 * rate)
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(cap / rate * 1000) + 1000)
return {allowed, tostring(tokens)}
`;

export function redisRateLimiter(redis: Redis, prefix = "sd:rl:"): RateLimiter {
  return {
    async take(key, rule, nowMs = Date.now()) {
      const [allowed, tokens] = (await redis.eval(
        TAKE_SCRIPT,
        1,
        prefix + key,
        rule.capacity,
        rule.refillPerSecond,
        nowMs,
      )) as [number, string];
      if (allowed === 1) return { allowed: true, retryAfterSeconds: 0 };
      return { allowed: false, retryAfterSeconds: retryAfter(Number(tokens), rule) };
    },
  };
}
