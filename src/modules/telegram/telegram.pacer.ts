import type { BucketRule, RateLimiter } from "../../shared/rate-limit";

/** Telegram allows about 30 messages/s per bot; 25 leaves room for direct replies. */
export const GLOBAL_SEND_RULE: BucketRule = { capacity: 1, refillPerSecond: 25 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type Pacer = ReturnType<typeof createPacer>;

/**
 * The pace of every queued call to Telegram (outbox messages, channel posts, approvals,
 * removals): one overall bucket in the shared rate limiter (so several instances share it when
 * Redis is configured), and one pause that a 429's `retry_after` sets for all of them.
 */
export function createPacer(deps: { rateLimiter: RateLimiter; now?: () => number }) {
  const now = deps.now ?? Date.now;
  let pausedUntil = 0;
  return {
    get pausedUntil(): number {
      return pausedUntil;
    },
    /** Telegram said "retry after `seconds`": nothing queued goes out before then. */
    pause(seconds: number): void {
      pausedUntil = Math.max(pausedUntil, now() + seconds * 1000);
    },
    /** Waits for a pause to end (real time), then for a slot in the overall bucket. */
    async slot(): Promise<void> {
      while (pausedUntil > now()) await sleep(Math.min(1_000, pausedUntil - now()));
      while (!(await deps.rateLimiter.take("tg-send:global", GLOBAL_SEND_RULE)).allowed) await sleep(20);
    },
    /** Waits for a slot in one chat's own bucket (Telegram limits messages per chat too). */
    async chatSlot(key: string, rule: BucketRule): Promise<void> {
      for (;;) {
        const taken = await deps.rateLimiter.take(key, rule);
        if (taken.allowed) return;
        await sleep(Math.max(50, taken.retryAfterSeconds * 1000));
      }
    },
  };
}
