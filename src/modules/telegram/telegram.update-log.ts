import { sql } from "drizzle-orm";
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
      await db.execute(sql`
      update ${telegramUpdates} as t
      set status = v.status, error = v.error, handled_at = v.handled_at, duration_ms = v.duration_ms
      from (values ${values}) as v(update_id, status, error, handled_at, duration_ms)
      where t.update_id = v.update_id`);
      return outcomes.map(() => undefined);
    },
    byUpdate,
    opts,
  );

  return {
    /** True for the first delivery of this update_id; false for any repeat. */
    record: (item: UpdateRecord) => records.submit(item),
    /** Writes how handling ended. */
    finish: (outcome: UpdateOutcome) => outcomes.submit(outcome),
  };
}
