import { type Api, GrammyError } from "grammy";
import type { Logger } from "pino";
import type { Executor } from "../../db/client";
import type { Counter } from "../../shared/metrics";
import type { BucketRule, RateLimiter } from "../../shared/rate-limit";
import { retryBackoffMs } from "./telegram.models";
import { outboxRepository } from "./telegram.outbox";
import { createPacer, GLOBAL_SEND_RULE, type Pacer } from "./telegram.pacer";
import type { OutboxRow } from "./telegram.table";

export { GLOBAL_SEND_RULE };
/** About one message per second into one chat. */
export const PER_CHAT_SEND_RULE: BucketRule = { capacity: 1, refillPerSecond: 1 };

export type OutboxSender = ReturnType<typeof createOutboxSender>;

/** Telegram's 403 descriptions that mean the person can no longer be messaged. */
export const UNREACHABLE = /bot was blocked by the user|user is deactivated|bot can't initiate conversation/i;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The idle loop's poll. Whatever this process queues pokes the loop awake, and a row it will
 * retry later (backoff, a 429, a chat's pace, an edit waiting for its message) is waited for
 * exactly (`nextDueAt`), as is a dead sender's lapsing lock; the poll is only for rows another
 * instance queued and left. It was 250 ms: on the embedded database each idle claim took ~5 ms
 * of its one thread under a webhook burst, ~0.17 ms per acknowledged update
 * (docs/perf/telegram-handlers.md).
 */
export const IDLE_POLL_MS = 5_000;
/** Rows due but held by another sender's claim are looked for again this soon. */
const BUSY_RECHECK_MS = 250;

/**
 * The one sender of queued messages: paced overall and per chat through the shared rate
 * limiter (so several instances share the pace when Redis is configured), pausing everything
 * for Telegram's `retry_after` on a 429, retrying transient failures with backoff.
 */
export function createOutboxSender(deps: {
  db: Executor;
  api: Api;
  rateLimiter: RateLimiter;
  logger: Logger;
  messagesTotal: Counter<"result">;
  /** The pace shared with every other queued call to Telegram (channel work); one of its own if absent. */
  pacer?: Pacer;
  /** A person blocked the bot (or deleted their account): called with their chat id. */
  onUnreachable?: (chatId: number) => Promise<unknown>;
  now?: () => number;
  batchSize?: number;
  lockMs?: number;
  maxAttempts?: number;
  idleMs?: number;
}) {
  const repo = outboxRepository(deps.db);
  const now = deps.now ?? Date.now;
  const maxAttempts = deps.maxAttempts ?? 8;
  const pacer = deps.pacer ?? createPacer({ rateLimiter: deps.rateLimiter, now });

  const globalSlot = () => pacer.slot();

  /** The method call for a row, or why it cannot be made yet. */
  async function callFor(row: OutboxRow): Promise<Record<string, unknown> | "wait" | "gone"> {
    const base = { chat_id: row.chatId, ...row.payload };
    if (row.method !== "editMessageText") return base;
    const target = await repo.findByKey(row.editOf!);
    if (!target || target.status === "failed") return "gone";
    if (target.status !== "sent" || target.messageId === null) return "wait";
    return { ...base, message_id: target.messageId };
  }

  async function onFailure(row: OutboxRow, err: unknown): Promise<void> {
    if (err instanceof GrammyError) {
      if (err.error_code === 429) {
        const seconds = err.parameters.retry_after ?? 1;
        pacer.pause(seconds);
        deps.messagesTotal.inc({ result: "rate_limited" });
        deps.logger.warn({ retryAfter: seconds }, "telegram asked us to slow down");
        return repo.reschedule(row.id, pacer.pausedUntil);
      }
      if (row.method === "editMessageText" && /message is not modified/i.test(err.description)) {
        deps.messagesTotal.inc({ result: "sent" });
        return repo.markSent(row.id, null, now());
      }
      if (err.error_code === 403 && row.chatId > 0 && UNREACHABLE.test(err.description)) {
        await deps.onUnreachable?.(row.chatId);
      }
      if (err.error_code < 500) {
        // Blocked by the user, chat gone, bad request: trying again cannot help.
        deps.messagesTotal.inc({ result: "failed" });
        deps.logger.info({ outboxId: row.id, code: err.error_code }, "telegram refused a message");
        return repo.markFailed(row.id, `${err.error_code} ${err.description}`);
      }
    }
    const attempt = row.attempts + 1;
    const reason = err instanceof Error ? err.message : String(err);
    if (attempt >= maxAttempts) {
      deps.messagesTotal.inc({ result: "failed" });
      deps.logger.warn({ outboxId: row.id, attempt }, "giving up on a telegram message");
      return repo.markFailed(row.id, reason);
    }
    deps.messagesTotal.inc({ result: "retry" });
    return repo.reschedule(row.id, now() + retryBackoffMs(attempt), reason);
  }

  async function deliver(row: OutboxRow): Promise<void> {
    const call = await callFor(row);
    if (call === "gone") return repo.markFailed(row.id, "the message to edit was never sent");
    if (call === "wait") return repo.reschedule(row.id, now() + 1000);
    const chat = await deps.rateLimiter.take(`tg-send:chat:${row.chatId}`, PER_CHAT_SEND_RULE);
    if (!chat.allowed) return repo.reschedule(row.id, now() + chat.retryAfterSeconds * 1000);
    await globalSlot();
    try {
      const result = (await deps.api.raw[row.method](call as never)) as { message_id?: number } | true;
      deps.messagesTotal.inc({ result: "sent" });
      await repo.markSent(row.id, typeof result === "object" ? (result.message_id ?? null) : null, now());
    } catch (err) {
      await onFailure(row, err);
    }
  }

  /** Sends what is due now; returns how many rows it took. */
  async function runOnce(): Promise<number> {
    if (pacer.pausedUntil > now()) return 0;
    const rows = await repo.claim(deps.batchSize ?? 25, now(), deps.lockMs ?? 30_000);
    for (const [i, row] of rows.entries()) {
      if (pacer.pausedUntil > now()) {
        for (const rest of rows.slice(i)) await repo.reschedule(rest.id, pacer.pausedUntil);
        break;
      }
      await deliver(row);
    }
    return rows.length;
  }

  const idleMs = deps.idleMs ?? IDLE_POLL_MS;
  /** How long to sleep with nothing to send: until the next row falls due, at most `idleMs`. */
  async function untilDue(): Promise<number> {
    const due = await repo.nextDueAt();
    // Due already but not claimed: another sender holds it (SKIP LOCKED); look again shortly.
    const untilNext = due === null ? idleMs : Math.max(BUSY_RECHECK_MS, due.getTime() - now());
    return Math.max(Math.min(idleMs, untilNext), pacer.pausedUntil - now());
  }

  let running: Promise<void> | undefined;
  let stopped = true;
  /** Set by a poke; a poke that lands while the loop is claiming or asking what is due is kept, not lost. */
  let poked = false;
  let wake: (() => void) | undefined;
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      if (poked || stopped) return resolve();
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      wake = undefined;
    });

  return {
    runOnce,
    /** Wakes an idle loop at once (something was just queued and committed in this process). */
    poke(): void {
      poked = true;
      wake?.();
    },
    start(): void {
      if (running) return;
      stopped = false;
      running = (async () => {
        while (!stopped) {
          poked = false;
          try {
            if ((await runOnce()) > 0) continue;
            if (!poked) await idle(await untilDue());
          } catch (err) {
            deps.logger.error({ err }, "telegram sender loop failed");
            await idle(1000);
          }
        }
      })();
    },
    async stop(): Promise<void> {
      stopped = true;
      wake?.();
      await running;
      running = undefined;
    },
    /** Sends until nothing is pending (tests and shutdown); gives up after `timeoutMs`. */
    async drain(timeoutMs = 10_000): Promise<void> {
      const deadline = now() + timeoutMs;
      while ((await repo.unsettledCount()) > 0) {
        if (now() > deadline) throw new Error("telegram outbox did not drain in time");
        if ((await runOnce()) === 0) await sleep(Math.min(100, Math.max(10, pacer.pausedUntil - now())));
      }
    },
  };
}
