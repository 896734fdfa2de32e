import type { Update } from "grammy/types";
import type { Logger } from "pino";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import type { Counter } from "../../shared/metrics";
import type { BucketRule, RateLimiter } from "../../shared/rate-limit";
import { commandOf, isPaymentUpdate, orderKey, updateKind, updateSender } from "./telegram.models";
import { createKeyedQueue } from "./telegram.queue";
import type { UpdateStatus } from "./telegram.table";
import { createUpdateLog } from "./telegram.update-log";

/** SPEC: burst 5, then one update per second per person. */
export const USER_UPDATE_RULE: BucketRule = { capacity: 5, refillPerSecond: 1 };
/** At most one "slow down" reply per person per 10 s. */
export const SLOW_DOWN_RULE: BucketRule = { capacity: 1, refillPerSecond: 0.1 };

/**
 * Resuming after a crash: an acknowledged update still unclaimed this long after it arrived,
 * and not waiting in this process's queue, was accepted by a process that is gone. A claim
 * older than the handler timeout plus this margin was held by one that died mid-handling.
 * Telegram stops redelivering within a day, so older updates are not worth a late answer.
 */
export const RESUME_AFTER_MS = 30_000;
const STALE_CLAIM_MARGIN_MS = 60_000;
const RESUME_WINDOW_MS = 86_400_000;
const RESUME_BATCH = 500;

export type IntakeResult = "accepted" | "duplicate" | "dropped";
export type UpdateIntake = ReturnType<typeof createUpdateIntake>;

export interface IntakeDeps {
  db: Executor;
  clock: Clock;
  logger: Logger;
  rateLimiter: RateLimiter;
  updatesTotal: Counter<"kind" | "status">;
  botUsername: string;
  /** Runs the bot on one update; a rejection is recorded as a failed update. */
  handle(update: Update): Promise<void>;
  /** Tells a person their updates are being dropped. */
  slowDown(chatId: number): Promise<void>;
  /** A handler still running after this is recorded as failed and its person's queue moves on. */
  handlerTimeoutMs?: number;
  /** Handlers running at once, over all people (one person's run one at a time). */
  concurrency?: number;
  /** Acknowledged updates waiting in memory; beyond it the acknowledgement waits (backpressure). */
  maxQueued?: number;
  /** What counts as a burst of acknowledgements (ACKNOWLEDGEMENT_BURST unless a test says). */
  burst?: { windowMs: number; busyAt: number };
}

export const DEFAULT_HANDLER_CONCURRENCY = 64;
/**
 * Acknowledgements take priority over handling: Telegram waits for each answer before it sends
 * more, while a handled update's reply can come a little later. With this many acknowledgements
 * under way at once (they are arriving faster than they are answered), at most
 * HANDLERS_WHILE_ACKNOWLEDGING handlers start; below it, all of them again
 * (docs/perf/telegram-handlers.md).
 */
export const ACKNOWLEDGEMENTS_BUSY = 8;
export const HANDLERS_WHILE_ACKNOWLEDGING = 4;
/**
 * …but only while fewer than this many updates wait to be handled: past it the handlers run at
 * full strength whatever the acknowledgements do, so what is left when a burst ends stays a few
 * seconds of work (SPEC: every update answered within 10 s of a 1,000/s burst's end; the
 * backlog drained at ~700-800/s on this machine at load 10).
 */
export const YIELD_WHILE_BACKLOG_UNDER = 2_000;
/**
 * Acknowledgements arriving this fast count as busy too, however few are under way at once:
 * under load the event loop reads a request only between handler steps, so dozens wait unread
 * in their sockets while `acknowledging` stays under ACKNOWLEDGEMENTS_BUSY. Measured on the
 * bench's acknowledgement phase: 3-4 of ~5,000-6,000 handler starts found the acknowledgements
 * busy, and the handlers took the thread (558-678 acknowledged/s); 100 in 250 ms is 400/s, a
 * burst, far above what a bot's people send outside one.
 */
export const ACKNOWLEDGEMENT_BURST = { windowMs: 250, busyAt: 100 };
/**
 * About 10 s of a 1,000/s burst, a few kB each: enough that a burst is acknowledged at once,
 * bounded so that a stuck database cannot grow memory without end. Past it, Telegram's own
 * queue holds the rest (its deliveries wait for our answer), and the log keeps what was taken.
 */
export const DEFAULT_MAX_QUEUED = 10_000;

function describe(err: unknown): string {
  const inner = (err as { error?: unknown }).error ?? err;
  const message = inner instanceof Error ? `${inner.name}: ${inner.message}` : String(inner);
  return message.slice(0, 500);
}

/**
 * Arrivals counted per window of wall-clock time (scheduling, not business: not the service
 * clock); bursting while this window or the one before holds `busyAt` of them.
 */
function arrivalWindows(burst: { windowMs: number; busyAt: number }) {
  let window = 0;
  let current = 0;
  let previous = 0;
  const roll = () => {
    const now = Math.floor(performance.now() / burst.windowMs);
    if (now === window) return;
    previous = now === window + 1 ? current : 0;
    current = 0;
    window = now;
  };
  return {
    add(): void {
      roll();
      current++;
    },
    bursting(): boolean {
      roll();
      return current >= burst.busyAt || previous >= burst.busyAt;
    },
  };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`handler still running after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Where every update enters, from the webhook or from polling: logged once (the primary key
 * settles redeliveries), filtered (bots, floods), then handled after it was acknowledged, so
 * Telegram never waits on a slow handler.
 */
export function createUpdateIntake(deps: IntakeDeps) {
  /** Acknowledgements under way: accepted calls not yet answered. */
  let acknowledging = 0;
  const arrivals = arrivalWindows(deps.burst ?? ACKNOWLEDGEMENT_BURST);
  const queue = createKeyedQueue(
    deps.concurrency ?? DEFAULT_HANDLER_CONCURRENCY,
    deps.maxQueued ?? DEFAULT_MAX_QUEUED,
    {
      yielding: () =>
        (acknowledging >= ACKNOWLEDGEMENTS_BUSY || arrivals.bursting()) &&
        queue.size < YIELD_WHILE_BACKLOG_UNDER,
      whileYielding: HANDLERS_WHILE_ACKNOWLEDGING,
    },
  );
  const log = createUpdateLog(deps.db);
  const timeoutMs = deps.handlerTimeoutMs ?? 30_000;
  /** Update ids waiting in or running from this process's queue. */
  const queued = new Set<number>();

  async function admit(update: Update): Promise<{ status: UpdateStatus; error: string | null }> {
    const sender = updateSender(update);
    if (sender?.isBot) return { status: "dropped", error: "from_bot" };
    // Payments are never dropped: a pre-checkout must be answered and a payment recorded.
    if (!sender || isPaymentUpdate(update)) return { status: "received", error: null };
    // Bucket time comes from the service clock, so the limit is exact under test and load.
    const decision = await deps.rateLimiter.take(
      `tg:${sender.id}`,
      USER_UPDATE_RULE,
      deps.clock.now().getTime(),
    );
    return decision.allowed
      ? { status: "received", error: null }
      : { status: "dropped", error: "rate_limited" };
  }

  function record(
    update: Update,
    text: string | undefined,
    status: UpdateStatus,
    error: string | null,
  ): Promise<boolean> {
    const now = deps.clock.now();
    return log.record({
      updateId: update.update_id,
      telegramUserId: updateSender(update)?.id ?? null,
      kind: updateKind(update),
      command: commandOf(update.message?.text, deps.botUsername) ?? null,
      status,
      error,
      receivedAt: now,
      handledAt: status === "dropped" ? now : null,
      // Kept until handled, so a crash after the acknowledgement loses nothing.
      payload: status === "received" ? (text ?? JSON.stringify(update)) : null,
    });
  }

  /** Resolves once the update is in line (at once, unless the queue is full). */
  function schedule(update: Update): Promise<void> {
    queued.add(update.update_id);
    return queue.push(orderKey(update), () => run(update).finally(() => queued.delete(update.update_id)));
  }

  /** A claim taken before this was held by a process that died mid-handling. */
  const staleClaimBefore = (nowMs: number) => new Date(nowMs - timeoutMs - STALE_CLAIM_MARGIN_MS);

  /** Takes the update for this process; false when another has it or the claim cannot be written. */
  async function claim(update: Update): Promise<boolean> {
    const now = deps.clock.now();
    try {
      if (await log.claim(update.update_id, now, staleClaimBefore(now.getTime()))) return true;
      // Another process resumed it, or it was handled already: never twice.
      deps.logger.debug({ updateId: update.update_id }, "telegram update claimed elsewhere");
    } catch (err) {
      // Still "received" in the log: the resume job hands it out again once the database answers.
      deps.logger.error({ err, updateId: update.update_id }, "could not claim a telegram update");
    }
    return false;
  }

  /** Never rejects (the queue's rule): every failure is logged or recorded on the update. */
  async function run(update: Update): Promise<void> {
    if (!(await claim(update))) return;
    const started = performance.now();
    let status: UpdateStatus = "handled";
    let error: string | null = null;
    try {
      await withTimeout(deps.handle(update), timeoutMs);
    } catch (err) {
      status = "failed";
      error = describe(err);
      deps.logger.warn(
        { updateId: update.update_id, kind: updateKind(update), error },
        "telegram update handler failed",
      );
    }
    try {
      await log.finish({
        updateId: update.update_id,
        status,
        error,
        handledAt: deps.clock.now(),
        durationMs: Math.round(performance.now() - started),
      });
    } catch (err) {
      deps.logger.error({ err, updateId: update.update_id }, "could not record a telegram update outcome");
    }
    deps.updatesTotal.inc({ kind: updateKind(update), status });
  }

  async function maybeSlowDown(update: Update): Promise<void> {
    const sender = updateSender(update)!;
    const hint = await deps.rateLimiter.take(
      `tg-slow:${sender.id}`,
      SLOW_DOWN_RULE,
      deps.clock.now().getTime(),
    );
    if (!hint.allowed) return;
    const chatId = update.message?.chat.id ?? sender.id;
    await deps
      .slowDown(chatId)
      .catch((err) => deps.logger.warn({ err }, "could not queue a slow-down reply"));
  }

  /** Records the update and schedules its handling; resolves before the handler runs. */
  async function acknowledge(update: Update, text: string | undefined): Promise<IntakeResult> {
    const kind = updateKind(update);
    const { status, error } = await admit(update);
    if (!(await record(update, text, status, error))) {
      deps.updatesTotal.inc({ kind, status: "duplicate" });
      return "duplicate";
    }
    if (status === "dropped") {
      deps.updatesTotal.inc({ kind, status });
      if (error === "rate_limited") await maybeSlowDown(update);
      return "dropped";
    }
    await schedule(update);
    return "accepted";
  }

  return {
    /**
     * Records the update and schedules its handling; resolves before the handler runs. `text` is
     * the update's JSON as it arrived (the webhook's body), stored as is; without it (polling)
     * the update is serialised for the log.
     */
    async accept(update: Update, text?: string): Promise<IntakeResult> {
      acknowledging++;
      arrivals.add();
      try {
        return await acknowledge(update, text);
      } finally {
        acknowledging--;
        if (acknowledging === ACKNOWLEDGEMENTS_BUSY - 1) queue.resume();
      }
    },
    /**
     * Queues acknowledged updates that no live handler has: those a crashed process accepted
     * (or was handling) before it died. Run at start and on a timer; returns how many.
     */
    async resume(): Promise<number> {
      const now = deps.clock.now().getTime();
      const updates = await log.unfinished({
        receivedBefore: new Date(now - RESUME_AFTER_MS),
        receivedAfter: new Date(now - RESUME_WINDOW_MS),
        staleBefore: staleClaimBefore(now),
        limit: RESUME_BATCH,
      });
      const orphans = updates.filter((u) => !queued.has(u.update_id));
      // In update_id order, each one put in line before the next (a full queue holds the rest).
      for (const update of orphans) await schedule(update);
      if (orphans.length > 0) {
        deps.logger.warn(
          { updates: orphans.length },
          "resuming acknowledged telegram updates left unhandled",
        );
      }
      return orphans.length;
    },
    /** In-flight handlers; resolves when all have finished (tests, graceful shutdown). */
    settled: () => queue.settled(),
    get pending(): number {
      return queue.size;
    },
  };
}
