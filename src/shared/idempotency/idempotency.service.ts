/*
 * Idempotency-Key claims (API.md §0). One row per (user, scope, key); `run` and `runAtomic`
 * move it through the same states:
 *
 *                        takeover
 *                        ┌──────┐
 *                        ▼      │
 *   (none) ──claim──▶ running ──┴──store──▶ stored ──retention (24 h)──▶ (none)
 *     ▲                  │
 *     └─────release──────┘
 *
 * Takeover: a claim whose locked_at is past the lock timeout (its process most likely died)
 * gets a new locked_at, and the request that moved it becomes the holder.
 *
 * A claim is identified by its locked_at: store and release touch the row only while it still
 * has that locked_at and no response, so a holder whose claim was taken over changes nothing,
 * and a stored response is final. Client errors are stored like successes (a repeat gets the
 * same refusal); server errors and 429s release, because both ask the client to retry.
 * - run: the claim commits on its own, the handler runs, then store or release. A crash in
 *   between leaves a running row that a later request takes over, running the handler again.
 * - runAtomic: claim (or takeover), the writes and the stored response commit in one
 *   transaction, so other requests only ever see the key stored, or someone else's claim.
 */
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

type Answer = { status: number; body: unknown };

export type IdempotencyService = ReturnType<typeof createIdempotencyService>;

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` hash alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      // Object keys are unique, so two never compare equal.
      // Stryker disable next-line EqualityOperator: `<=` differs from `<` only for equal keys
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export const requestHash = (request: unknown): string =>
  createHash("sha256").update(canonicalJson(request)).digest("hex");

/** A client error is an answer, stored and replayed; anything else leaves the key to a retry. */
const isRefusal = (err: unknown): err is AppError =>
  err instanceof AppError && err.status < 500 && err.status !== 429;

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

  /** A key this request holds, identified by the locked_at it set. */
  interface Claim {
    call: IdempotentCall;
    key: string;
    lockedAt: Date;
  }

  /** The row while it is still this claim: same locked_at, no response yet. */
  const held = (claim: Claim) =>
    and(
      where(claim.call, claim.key),
      eq(idempotencyKeys.lockedAt, claim.lockedAt),
      isNull(idempotencyKeys.responseStatus),
    );

  type Seen =
    | { state: "free" }
    | { state: "answered"; response: IdempotentResponse }
    | { state: "running" }
    | { state: "stale"; lockedAt: Date };
  type Claimable = Extract<Seen, { state: "free" | "stale" }>;

  /**
   * What the key's row means for a request: free (none, or forgotten past retention and deleted
   * here), answered (replay it), or claimed with no answer, running or stale past the lock
   * timeout. A different request under the same key is refused.
   */
  async function inspect(call: IdempotentCall, key: string, hash: string): Promise<Seen> {
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
    // store() writes status and body together; testing the body as well only narrows its type.
    // Stryker disable next-line LogicalOperator,ConditionalExpression: never one without the other
    if (row.responseStatus !== null && row.responseBody !== null) {
      const response = {
        status: row.responseStatus,
        bodyText: row.responseBody,
        body: JSON.parse(row.responseBody),
        replayed: true,
      };
      return { state: "answered", response };
    }
    if (row.lockedAt.getTime() <= now - lockTimeoutMs) return { state: "stale", lockedAt: row.lockedAt };
    return { state: "running" };
  }

  /**
   * Claims a free key (the primary key arbitrates) or takes over a stale claim (its locked_at
   * arbitrates), over `executor`; null when another request got there first.
   */
  async function claim(
    executor: Executor,
    call: IdempotentCall,
    key: string,
    hash: string,
    seen: Claimable,
  ): Promise<Claim | null> {
    const now = clock.now();
    const returning = { lockedAt: idempotencyKeys.lockedAt };
    const [row] =
      seen.state === "stale"
        ? await executor
            .update(idempotencyKeys)
            .set({ lockedAt: now })
            .where(held({ call, key, lockedAt: seen.lockedAt }))
            .returning(returning)
        : await executor
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
            .returning(returning);
    return row ? { call, key, lockedAt: row.lockedAt } : null;
  }

  /** Stores the answer under the claim; a claim lost to a takeover stores nothing. */
  async function store(executor: Executor, claim: Claim, answer: Answer): Promise<IdempotentResponse> {
    const bodyText = JSON.stringify(answer.body);
    await executor
      .update(idempotencyKeys)
      .set({ responseStatus: answer.status, responseBody: bodyText, completedAt: clock.now() })
      .where(held(claim));
    return { status: answer.status, body: answer.body, bodyText, replayed: false };
  }

  const refusal = (call: IdempotentCall, err: AppError): Answer => ({
    status: err.status,
    body: call.refusalBody(err),
  });

  /**
   * What `run` and `runAtomic` share: replay a stored answer, wait while another request holds
   * the key, and hand a free or stale key to `hold`, which claims it and answers, or says
   * "taken" when another request claimed it first. `assumeFree` skips the first look: a
   * fresh key is then claimed in one round trip, and a taken one is looked at after.
   */
  async function withKey(
    call: IdempotentCall,
    key: string,
    assumeFree: boolean,
    hold: (seen: Claimable, hash: string) => Promise<IdempotentResponse | "taken">,
  ): Promise<IdempotentResponse> {
    const hash = requestHash(call.request);
    const deadline = performance.now() + waitMs;
    let guess: Seen | null = assumeFree ? { state: "free" } : null;
    // The pause only sets how soon a waiting repeat notices the answer, never what it answers.
    // Stryker disable next-line MethodExpression,ArithmeticOperator: polling cadence, not outcome
    for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
      // Stryker disable next-line EqualityOperator: `>` and `>=` differ at one instant of a continuous clock
      if (performance.now() >= deadline) throw IdempotencyErrors.inProgress();
      const seen = guess ?? (await inspect(call, key, hash));
      guess = null;
      if (seen.state === "answered") return seen.response;
      if (seen.state === "running") {
        await sleep(pause);
        continue;
      }
      const outcome = await hold(seen, hash);
      if (outcome !== "taken") return outcome;
    }
  }

  return {
    async run(call: IdempotentCall, handler: () => Promise<Answer>): Promise<IdempotentResponse> {
      const key = call.key;
      if (key === undefined) {
        const { status, body } = await handler();
        return { status, body, bodyText: JSON.stringify(body), replayed: false };
      }
      // The handler runs only once the key is held, so try to claim it before looking.
      // Stryker disable next-line BooleanLiteral: looking first costs a round trip, answers alike
      return withKey(call, key, true, async (seen, hash) => {
        const claimed = await claim(db, call, key, hash, seen);
        if (!claimed) return "taken";
        let answer: Answer;
        try {
          answer = await handler();
        } catch (err) {
          if (isRefusal(err)) await store(db, claimed, refusal(call, err));
          else await db.delete(idempotencyKeys).where(held(claimed));
          throw err;
        }
        return store(db, claimed, answer);
      });
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
      write: (tx: Executor, prepared: P) => Promise<Answer>,
    ): Promise<IdempotentResponse> {
      const key = call.key;
      if (key === undefined) {
        const prepared = await prepare();
        const { status, body } = await db.transaction((tx) => write(tx, prepared));
        return { status, body, bodyText: JSON.stringify(body), replayed: false };
      }
      // Look first: a repeat replays without running prepare.
      return withKey(call, key, false, async (seen, hash) => {
        let prepared: { value: P } | { refused: AppError };
        try {
          prepared = { value: await prepare() };
        } catch (err) {
          if (!isRefusal(err)) throw err;
          prepared = { refused: err };
        }
        type Outcome = "taken" | { refused: AppError } | { response: IdempotentResponse };
        const outcome = await db.transaction(async (tx): Promise<Outcome> => {
          const claimed = await claim(tx, call, key, hash, seen);
          if (!claimed) return "taken";
          if ("refused" in prepared) {
            await store(tx, claimed, refusal(call, prepared.refused));
            return prepared;
          }
          const value = prepared.value;
          let answer: Answer;
          try {
            // A savepoint: a client error undoes the writes but keeps the claim, to store the refusal.
            answer = await tx.transaction((sp) => write(sp, value));
          } catch (err) {
            if (!isRefusal(err)) throw err;
            await store(tx, claimed, refusal(call, err));
            return { refused: err };
          }
          return { response: await store(tx, claimed, answer) };
        });
        if (outcome === "taken") return "taken";
        if ("refused" in outcome) throw outcome.refused;
        return outcome.response;
      });
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
