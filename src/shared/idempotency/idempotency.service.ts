import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { and, eq, isNull, lt } from "drizzle-orm";
import type { Executor } from "../../db/client";
import type { Clock } from "../clock";
import { AppError, CommonErrors, defineErrors } from "../errors";
import { idempotencyKeys } from "./idempotency.table";

export const IdempotencyErrors = defineErrors({
  inProgress: {
    code: "request.idempotency_key_in_progress",
    status: 409,
    title: "A request with this Idempotency-Key is still being processed",
  },
});

export interface IdempotentCall {
  userId: string;
  /** What the key protects ("orders.create"); the same key may be used once per scope. */
  scope: string;
  /** The client's Idempotency-Key; undefined runs the handler with no protection. */
  key: string | undefined;
  /** Everything that makes two requests "the same": path parameters and body. */
  request: unknown;
  /** The body a refusal (a client error) answers, stored for replay like any other response. */
  refusalBody: (error: AppError) => unknown;
}

export interface IdempotentResponse {
  status: number;
  /** JSON text of the body; for a replay, exactly what the first request answered. */
  bodyText: string;
  body: unknown;
  replayed: boolean;
}

export type IdempotencyService = ReturnType<typeof createIdempotencyService>;

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` hash alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export const requestHash = (request: unknown): string =>
  createHash("sha256").update(canonicalJson(request)).digest("hex");

/**
 * Idempotency-Key support (API.md §0). The first request claims the key with an insert the
 * primary key arbitrates, runs, and stores its response; repeats replay it. Client errors (4xx)
 * are stored like successes, so a repeat sees the same refusal; server errors and 429s release
 * the claim, because both tell the client to retry later and the retry must be able to run.
 */
export function createIdempotencyService(deps: {
  db: Executor;
  clock: Clock;
  /** How long a key is remembered (Stripe's convention: 24 h). */
  retentionMs?: number;
  /** A claim older than this whose request never finished (a crashed process) may be taken over. */
  lockTimeoutMs?: number;
  /** How long a repeat waits for the first request to finish before answering 409. */
  waitMs?: number;
}) {
  const { db, clock } = deps;
  const retentionMs = deps.retentionMs ?? 86_400_000;
  const lockTimeoutMs = deps.lockTimeoutMs ?? 60_000;
  const waitMs = deps.waitMs ?? 10_000;

  const where = (call: IdempotentCall, key: string) =>
    and(
      eq(idempotencyKeys.userId, call.userId),
      eq(idempotencyKeys.scope, call.scope),
      eq(idempotencyKeys.key, key),
    );

  /** Takes the key for this request; false when a row for it exists already. */
  async function claim(
    call: IdempotentCall,
    key: string,
    hash: string,
    executor: Executor = db,
  ): Promise<boolean> {
    const now = clock.now();
    const rows = await executor
      .insert(idempotencyKeys)
      .values({
        userId: call.userId,
        scope: call.scope,
        key,
        requestHash: hash,
        createdAt: now,
        lockedAt: now,
      })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    return rows.length === 1;
  }

  async function execute(
    call: IdempotentCall,
    key: string,
    handler: () => Promise<{ status: number; body: unknown }>,
  ): Promise<IdempotentResponse> {
    let status: number;
    let body: unknown;
    try {
      ({ status, body } = await handler());
    } catch (err) {
      if (err instanceof AppError && err.status < 500 && err.status !== 429) {
        await store(call, key, err.status, call.refusalBody(err));
      } else {
        await db.delete(idempotencyKeys).where(and(where(call, key), isNull(idempotencyKeys.responseStatus)));
      }
      throw err;
    }
    const bodyText = await store(call, key, status, body);
    return { status, body, bodyText, replayed: false };
  }

  async function store(call: IdempotentCall, key: string, status: number, body: unknown): Promise<string> {
    const bodyText = JSON.stringify(body);
    await db
      .update(idempotencyKeys)
      .set({ responseStatus: status, responseBody: bodyText, completedAt: clock.now() })
      .where(where(call, key));
    return bodyText;
  }

  type Attempt = "taken" | { error: unknown } | { response: IdempotentResponse };

  /** One try at claiming `key` and running prepare + write with it; "taken" if another request won it. */
  async function attempt<P>(
    call: IdempotentCall,
    key: string,
    hash: string,
    prepare: () => Promise<P>,
    write: (tx: Executor, prepared: P) => Promise<{ status: number; body: unknown }>,
  ): Promise<Attempt> {
    let prepared: { value: P } | { error: AppError };
    try {
      prepared = { value: await prepare() };
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.status === 429) throw err;
      prepared = { error: err };
    }
    return db.transaction(async (tx): Promise<Attempt> => {
      if (!(await claim(call, key, hash, tx))) return "taken";
      const stored = async (status: number, body: unknown) => {
        const bodyText = JSON.stringify(body);
        await tx
          .update(idempotencyKeys)
          .set({ responseStatus: status, responseBody: bodyText, completedAt: clock.now() })
          .where(where(call, key));
        return bodyText;
      };
      if ("error" in prepared) {
        await stored(prepared.error.status, call.refusalBody(prepared.error));
        return { error: prepared.error };
      }
      const value = prepared.value;
      let result: { status: number; body: unknown };
      try {
        // A savepoint: a client error undoes the writes but keeps the claim, to store the refusal.
        result = await tx.transaction((sp) => write(sp, value));
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500 || err.status === 429) throw err;
        await stored(err.status, call.refusalBody(err));
        return { error: err };
      }
      const bodyText = await stored(result.status, result.body);
      return { response: { status: result.status, body: result.body, bodyText, replayed: false } };
    });
  }

  type Seen =
    | { state: "free" }
    | { state: "answered"; response: IdempotentResponse }
    | { state: "running" | "abandoned"; row: typeof idempotencyKeys.$inferSelect };

  /**
   * What an existing key row means for a request: free (none, or forgotten past retention and
   * deleted here), answered (replay it), or claimed with no answer, still running or abandoned
   * past the lock timeout. A different request under the same key is refused.
   */
  async function existing(call: IdempotentCall, key: string, hash: string): Promise<Seen> {
    const [row] = await db.select().from(idempotencyKeys).where(where(call, key));
    if (!row) return { state: "free" };
    const now = clock.now().getTime();
    if (row.createdAt.getTime() <= now - retentionMs) {
      // A forgotten key is free again; deleting exactly that row keeps a racing claim safe.
      await db
        .delete(idempotencyKeys)
        .where(and(where(call, key), eq(idempotencyKeys.createdAt, row.createdAt)));
      return { state: "free" };
    }
    if (row.requestHash !== hash) {
      throw CommonErrors.idempotencyKeyReused("This Idempotency-Key was used with a different request");
    }
    if (row.responseStatus !== null && row.responseBody !== null) {
      const response = {
        status: row.responseStatus,
        bodyText: row.responseBody,
        body: JSON.parse(row.responseBody),
        replayed: true,
      };
      return { state: "answered", response };
    }
    return { state: row.lockedAt.getTime() <= now - lockTimeoutMs ? "abandoned" : "running", row };
  }

  return {
    async run(
      call: IdempotentCall,
      handler: () => Promise<{ status: number; body: unknown }>,
    ): Promise<IdempotentResponse> {
      const key = call.key;
      if (key === undefined) {
        const { status, body } = await handler();
        return { status, body, bodyText: JSON.stringify(body), replayed: false };
      }
      const hash = requestHash(call.request);
      const deadline = performance.now() + waitMs;
      for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
        if (performance.now() >= deadline) throw IdempotencyErrors.inProgress();
        if (await claim(call, key, hash)) return execute(call, key, handler);
        const seen = await existing(call, key, hash);
        if (seen.state === "free") continue;
        if (seen.state === "answered") return seen.response;
        const row = seen.row;
        if (seen.state === "abandoned") {
          const [taken] = await db
            .update(idempotencyKeys)
            .set({ lockedAt: clock.now() })
            .where(
              and(
                where(call, key),
                isNull(idempotencyKeys.responseStatus),
                eq(idempotencyKeys.lockedAt, row.lockedAt),
              ),
            )
            .returning({ key: idempotencyKeys.key });
          if (taken) return execute(call, key, handler);
        }
        await sleep(pause);
      }
    },

    /**
     * Like `run`, for a handler whose effect is database writes: the claim, the writes and the
     * stored response commit in one transaction, so a process killed mid-request leaves either
     * all of them or none. (With `run`, a crash between the handler's commit and `store` leaves
     * a claim with no response; once its lock times out the retry runs the handler again and
     * the effect happens twice.) `prepare` reads what the writes need outside the transaction;
     * `write` must use only the executor it is given. A concurrent repeat blocks on the claim's
     * key until the first commits, then replays its response.
     */
    async runAtomic<P>(
      call: IdempotentCall,
      prepare: () => Promise<P>,
      write: (tx: Executor, prepared: P) => Promise<{ status: number; body: unknown }>,
    ): Promise<IdempotentResponse> {
      const key = call.key;
      if (key === undefined) {
        const prepared = await prepare();
        const { status, body } = await db.transaction((tx) => write(tx, prepared));
        return { status, body, bodyText: JSON.stringify(body), replayed: false };
      }
      const hash = requestHash(call.request);
      const deadline = performance.now() + waitMs;
      for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
        if (performance.now() >= deadline) throw IdempotencyErrors.inProgress();
        const seen = await existing(call, key, hash);
        if (seen.state === "answered") return seen.response;
        if (seen.state !== "free") {
          const row = seen.row;
          // A claim with no response is `run`'s, still running or left by a dead process.
          if (seen.state === "abandoned") {
            await db
              .delete(idempotencyKeys)
              .where(
                and(
                  where(call, key),
                  isNull(idempotencyKeys.responseStatus),
                  eq(idempotencyKeys.lockedAt, row.lockedAt),
                ),
              );
            continue;
          }
          await sleep(pause);
          continue;
        }
        const outcome = await attempt(call, key, hash, prepare, write);
        if (outcome === "taken") continue;
        if ("error" in outcome) throw outcome.error;
        return outcome.response;
      }
    },

    /** Forgets keys past retention; run periodically. */
    async purgeExpired(): Promise<number> {
      const cutoff = new Date(clock.now().getTime() - retentionMs);
      const rows = await db
        .delete(idempotencyKeys)
        .where(lt(idempotencyKeys.createdAt, cutoff))
        .returning({ key: idempotencyKeys.key });
      return rows.length;
    },
  };
}
