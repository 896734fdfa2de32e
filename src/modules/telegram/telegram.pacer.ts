import type { Transformer } from "grammy";
import type { BucketRule, RateLimiter } from "../../shared/rate-limit";

/** Telegram allows about 30 messages/s per bot; 25 leaves room for calls that are not messages. */
export const GLOBAL_SEND_RULE: BucketRule = { capacity: 1, refillPerSecond: 25 };
/** How many 429s in a row one call waits out before its caller sees the refusal. */
export const MAX_429_RETRIES = 6;
/** Calls that send nothing to anyone: the long poll for updates, and the webhook's own setup. */
const UNPACED = new Set(["getUpdates", "getMe", "setWebhook", "deleteWebhook", "getWebhookInfo"]);

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type Pacer = ReturnType<typeof createPacer>;

/**
 * The one rule for every call to Telegram (direct replies, queued messages, channel posts,
 * approvals, removals): one overall bucket in the shared rate limiter (so several instances
 * share it when Redis is configured), and one pause that any 429's `retry_after` sets for all
 * of them.
 */
export function createPacer(deps: {
  rateLimiter: RateLimiter;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}) {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  let pausedUntil = 0;
  const pacer = {
    get pausedUntil(): number {
      return pausedUntil;
    },
    /** Telegram said "retry after `seconds`": nothing goes out before then. */
    pause(seconds: number): void {
      pausedUntil = Math.max(pausedUntil, now() + seconds * 1000);
    },
    /** Waits until no 429's `retry_after` holds calls back. */
    async unpaused(): Promise<void> {
      while (pausedUntil > now()) await sleep(Math.min(1_000, pausedUntil - now()));
    },
    /** Waits for a pause to end, then for a slot in the overall bucket. */
    async slot(): Promise<void> {
      await pacer.unpaused();
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
    /**
     * The pacer as a grammY transformer, for a client whose caller waits for the answer (replies
     * to a person, the channels' calls): each call takes a slot, and a 429 pauses everything for
     * its `retry_after` (as the Bot API's ResponseParameters give it) and the call is tried again.
     * A storm longer than `MAX_429_RETRIES` returns the 429 to the caller's own retry.
     *
     * `reply` is the bot answering the person whose update it is handling: Telegram's ~30/s is
     * a limit on bulk notifications (FAQ: "sending bulk notifications to multiple users"), and a
     * reply is bounded per person by the update limit (burst 5, then 1/s), so replies skip the
     * overall bucket (at 25/s a 10 s burst of 1,000 updates/s would take 400 s to answer) and
     * keep the rest: every pause, and the retry after a 429.
     */
    transformer(pace: "bulk" | "reply" = "bulk"): Transformer {
      return async (prev, method, payload, signal) => {
        if (UNPACED.has(method)) return prev(method, payload, signal);
        for (let attempt = 0; ; attempt++) {
          await (pace === "reply" ? pacer.unpaused() : pacer.slot());
          const result = await prev(method, payload, signal);
          if (result.ok || result.error_code !== 429 || attempt >= MAX_429_RETRIES) return result;
          pacer.pause(result.parameters?.retry_after ?? 1);
        }
      };
    },
  };
  return pacer;
}
