import { and, asc, eq, gt, isNotNull, lt, or, sql } from "drizzle-orm";
import type { Update } from "grammy/types";
import type { Executor } from "../../db/client";
import { Batcher } from "../../shared/batcher";
import { telegramUpdates, type UpdateStatus } from "./telegram.table";

export type UpdateRecord = typeof telegramUpdates.$inferInsert & { updateId: number };

export interface UpdateOutcome {
  updateId: number;
  status: UpdateStatus;
  error: string | null;
  handledAt: Date;
  durationMs: number;
}

/** The update log, written in batches; its primary key decides first delivery versus repeat. */
export function createUpdateLog(db: Executor, maxBatch = 200, maxInFlight = 4) {
  // One statement may not touch a row twice: a repeat of an update_id waits for the next batch,
  // where the conflict makes it a redelivery.
  const byUpdate = (item: { updateId: number }) => String(item.updateId);
  const opts = { maxBatch, maxInFlight };
  const records = new Batcher<UpdateRecord, boolean>(
    async (items) => {
      const rows = await db
        .insert(telegramUpdates)
        .values(items)
        .onConflictDoUpdate({
          target: telegramUpdates.updateId,
          set: { deliveries: sql`${telegramUpdates.deliveries} + 1` },
        })
        // xmax is 0 only on a freshly inserted row: that tells a first delivery from a repeat.
        .returning({ updateId: telegramUpdates.updateId, inserted: sql<boolean>`(xmax = 0)` });
      const inserted = new Set(rows.filter((r) => r.inserted).map((r) => r.updateId));
      return items.map((item) => inserted.has(item.updateId));
    },
    byUpdate,
    opts,
  );

  const outcomes = new Batcher<UpdateOutcome, void>(
    async (outcomes) => {
      const values = sql.join(
        outcomes.map(
          (o) =>
            sql`(${o.updateId}::bigint, ${o.status}::text, ${o.error}::text, ${o.handledAt.toISOString()}::timestamptz, ${o.durationMs}::int)`,
        ),
        sql`, `,
      );
      // The payload has done its job once handling ended, either way.
      await db.execute(sql`
      update ${telegramUpdates} as t
      set status = v.status, error = v.error, handled_at = v.handled_at, duration_ms = v.duration_ms,
          payload = null
      from (values ${values}) as v(update_id, status, error, handled_at, duration_ms)
      where t.update_id = v.update_id`);
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
      const values = sql.join(
        items.map(
          (c) =>
            sql`(${c.updateId}::bigint, ${c.at.toISOString()}::timestamptz, ${c.staleBefore.toISOString()}::timestamptz)`,
        ),
        sql`, `,
      );
      const result = await db.execute(sql`
      update ${telegramUpdates} as t
      set status = 'handling', claimed_at = v.at
      from (values ${values}) as v(update_id, at, stale_before)
      where t.update_id = v.update_id and t.payload is not null
        and (t.status = 'received' or (t.status = 'handling' and t.claimed_at < v.stale_before))
      returning t.update_id`);
      // Both drivers answer with a result carrying rows; bigint ids may come back as strings.
      const rows = (result as unknown as { rows: { update_id: number | string }[] }).rows;
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
