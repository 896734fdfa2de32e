import { and, asc, eq, gt, isNotNull, lt, or, sql } from "drizzle-orm";
import type { Update } from "grammy/types";
import { rowsOf, textArray } from "../../db/arrays";
import type { Executor } from "../../db/client";
import { Batcher } from "../../shared/batcher";
import { telegramUpdates, type UpdateStatus } from "./telegram.table";

/** What the acknowledgement writes: an update as it arrived, and how it was admitted. */
export interface UpdateRecord {
  updateId: number;
  telegramUserId: number | null;
  kind: string;
  command: string | null;
  status: UpdateStatus;
  error: string | null;
  receivedAt: Date;
  handledAt?: Date | null;
  /** The update as JSON text (the webhook's body as it arrived), kept until it is handled. */
  payload: string | null;
}

export interface UpdateOutcome {
  updateId: number;
  status: UpdateStatus;
  error: string | null;
  handledAt: Date;
  durationMs: number;
}

const nullable = (n: number | null) => (n === null ? null : String(n));
/** One column of a batch as a text array parameter, for `unnest` (cast to its type in the statement). */
const textColumn = <T>(items: T[], pick: (item: T) => string | null) => textArray(items.map(pick));

/**
 * The update log, written in batches; its primary key decides first delivery versus repeat. Each
 * batch passes one array per column (`unnest`), not one parameter per column per row: drizzle
 * builds a statement parameter by parameter, and a 200-row insert had 1,800 of them.
 */
export function createUpdateLog(db: Executor, maxBatch = 200, maxInFlight = 4) {
  // One statement may not touch a row twice: a repeat of an update_id waits for the next batch,
  // where the conflict makes it a redelivery.
  const byUpdate = (item: { updateId: number }) => String(item.updateId);
  const opts = { maxBatch, maxInFlight };
  const records = new Batcher<UpdateRecord, boolean>(
    async (items) => {
      const column = (pick: (r: UpdateRecord) => string | null) => textColumn(items, pick);
      const result = await db.execute(sql`
      insert into ${telegramUpdates}
        (update_id, telegram_user_id, kind, command, status, error, received_at, handled_at, payload)
      select r.update_id::bigint, r.telegram_user_id::bigint, r.kind, r.command, r.status, r.error,
             r.received_at::timestamptz, r.handled_at::timestamptz, r.payload::jsonb
      from unnest(
        ${column((r) => String(r.updateId))}, ${column((r) => nullable(r.telegramUserId))},
        ${column((r) => r.kind)}, ${column((r) => r.command)}, ${column((r) => r.status)},
        ${column((r) => r.error)}, ${column((r) => r.receivedAt.toISOString())},
        ${column((r) => r.handledAt?.toISOString() ?? null)},
        ${column((r) => r.payload)}
      ) as r(update_id, telegram_user_id, kind, command, status, error, received_at, handled_at, payload)
      on conflict (update_id) do update set deliveries = ${telegramUpdates}.deliveries + 1
      returning update_id, (xmax = 0) as inserted`);
      // xmax is 0 only on a freshly inserted row: that tells a first delivery from a repeat.
      const rows = rowsOf<{ update_id: number | string; inserted: boolean }>(result);
      const inserted = new Set(rows.filter((r) => r.inserted).map((r) => Number(r.update_id)));
      return items.map((item) => inserted.has(item.updateId));
    },
    byUpdate,
    opts,
  );

  const outcomes = new Batcher<UpdateOutcome, void>(
    async (outcomes) => {
      const column = (pick: (o: UpdateOutcome) => string | null) => textColumn(outcomes, pick);
      // The payload has done its job once handling ended, either way.
      await db.execute(sql`
      update ${telegramUpdates} as t
      set status = v.status, error = v.error, handled_at = v.handled_at::timestamptz,
          duration_ms = v.duration_ms::int, payload = null
      from unnest(
        ${column((o) => String(o.updateId))}, ${column((o) => o.status)}, ${column((o) => o.error)},
        ${column((o) => o.handledAt.toISOString())}, ${column((o) => String(o.durationMs))}
      ) as v(update_id, status, error, handled_at, duration_ms)
      where t.update_id = v.update_id::bigint`);
      return outcomes.map(() => undefined);
    },
    byUpdate,
    opts,
  );

  /**
   * Handling starts with a claim, settled by a conditional update: an update is handled by one
   * process only, whether it is the one that acknowledged it or one resuming after a crash. A
   * claim older than `staleBefore` belongs to a process that died mid-handling.
   */
  const claims = new Batcher<{ updateId: number; at: Date; staleBefore: Date }, boolean>(
    async (items) => {
      const column = (pick: (c: (typeof items)[number]) => string) => textColumn(items, pick);
      const result = await db.execute(sql`
      update ${telegramUpdates} as t
      set status = 'handling', claimed_at = v.at::timestamptz
      from unnest(
        ${column((c) => String(c.updateId))}, ${column((c) => c.at.toISOString())},
        ${column((c) => c.staleBefore.toISOString())}
      ) as v(update_id, at, stale_before)
      where t.update_id = v.update_id::bigint and t.payload is not null
        and (t.status = 'received'
          or (t.status = 'handling' and t.claimed_at < v.stale_before::timestamptz))
      returning t.update_id`);
      const rows = rowsOf<{ update_id: number | string }>(result);
      const claimed = new Set(rows.map((r) => Number(r.update_id)));
      return items.map((c) => claimed.has(c.updateId));
    },
    byUpdate,
    opts,
  );
  return {
    /** True for the first delivery of this update_id; false for any repeat. */
    record: (item: UpdateRecord) => records.submit(item),
    /** Writes how handling ended. */
    finish: (outcome: UpdateOutcome) => outcomes.submit(outcome),
    /** True when this process may handle the update now (see `claims`). */
    claim: (updateId: number, at: Date, staleBefore: Date) => claims.submit({ updateId, at, staleBefore }),
    /**
     * Acknowledged updates nobody is handling: received before `receivedBefore` and never
     * claimed, or claimed before `staleBefore`; oldest first, at most `limit`.
     */
    async unfinished(opts: {
      receivedBefore: Date;
      receivedAfter: Date;
      staleBefore: Date;
      limit: number;
    }): Promise<Update[]> {
      const rows = await db
        .select({ payload: telegramUpdates.payload })
        .from(telegramUpdates)
        .where(
          and(
            isNotNull(telegramUpdates.payload),
            gt(telegramUpdates.receivedAt, opts.receivedAfter),
            or(
              and(
                eq(telegramUpdates.status, "received"),
                lt(telegramUpdates.receivedAt, opts.receivedBefore),
              ),
              and(eq(telegramUpdates.status, "handling"), lt(telegramUpdates.claimedAt, opts.staleBefore)),
            ),
          ),
        )
        .orderBy(asc(telegramUpdates.updateId))
        .limit(opts.limit);
      return rows.map((r) => r.payload!);
    },
  };
}
