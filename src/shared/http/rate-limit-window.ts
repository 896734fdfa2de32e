declare module "fastify" {
  interface FastifyRequest {
    /**
     * A signed request's count, taken with its nonce in one Redis call (signed-admission.ts):
     * rate-limits.ts's preHandler enforces it instead of counting again.
     */
    signedWindowCount?: WindowCount;
  }
}

/** One request counted against a principal's budget: what the headers and a 429 are made from. */
export interface WindowCount {
  /** The principal, `<kind>:<id>` (rate-limits.ts `principalKey`). */
  key: string;
  max: number;
  remaining: number;
  /** Whole seconds until the window ends and the budget is whole again. */
  ttlInSeconds: number;
  isExceeded: boolean;
}

/**
 * The memory count of one instance (no Redis), for a path that counts outside the hooks below
 * (the signed empty poll's, delivery.empty-poll.ts): the same windows and budgets.
 */
export interface MemoryRateLimit {
  /** Whether one more request of the principal would pass; counts nothing. */
  hasRoom(key: string): boolean;
  /** Counts one request of the principal (`principalKey`'s `<kind>:<id>`). */
  count(key: string): WindowCount;
}

/** Principals counted at once before the oldest windows are dropped (as @fastify/rate-limit's LRU). */
const MAX_KEYS = 100_000;

/**
 * The per-principal fixed window of @fastify/rate-limit's memory store (a window opens at a
 * principal's first request and lasts `windowMs`; `max` of them pass), counted synchronously
 * for a single instance without Redis. The plugin's count costs three awaits, a promise and an
 * LRU update per request (~3.5 % of a signed poll's CPU, docs/perf/poll-profile.md); this is a
 * Map lookup. A window that is over is renewed in place or swept once per window, so memory
 * follows the principals of the last window, and past MAX_KEYS the oldest windows go first.
 */
export function fixedWindowCounter(opts: { windowMs: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  // In insertion order = window start order (a renewed window is moved to the end).
  const windows = new Map<string, { startedAt: number; count: number }>();
  let nextSweepAt = 0;
  const sweep = (at: number) => {
    for (const [key, window] of windows) {
      if (window.startedAt + opts.windowMs > at) break;
      windows.delete(key);
    }
  };
  /**
   * Whether one more request of `key` would pass, counting nothing: the signed empty poll's own
   * path (delivery.empty-poll.ts) asks before it spends a nonce, and leaves a request that would
   * be refused to the route, which answers the 429.
   */
  const hasRoom = (key: string, max: number): boolean => {
    const window = windows.get(key);
    return window === undefined || window.startedAt + opts.windowMs <= now() || window.count < max;
  };
  return Object.assign(
    function count(key: string, max: number): WindowCount {
      const at = now();
      if (at >= nextSweepAt) {
        sweep(at);
        nextSweepAt = at + opts.windowMs;
      }
      let window = windows.get(key);
      if (window === undefined || window.startedAt + opts.windowMs <= at) {
        windows.delete(key);
        if (windows.size >= MAX_KEYS) windows.delete(windows.keys().next().value!);
        window = { startedAt: at, count: 0 };
        windows.set(key, window);
      }
      window.count++;
      return {
        key,
        max,
        remaining: Math.max(0, max - window.count),
        ttlInSeconds: Math.ceil((window.startedAt + opts.windowMs - at) / 1000),
        isExceeded: window.count > max,
      };
    },
    { hasRoom },
  );
}
