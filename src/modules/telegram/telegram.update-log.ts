import { sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { telegramUpdates, type UpdateStatus } from "./telegram.table";

export type UpdateRecord = typeof telegramUpdates.$inferInsert & { updateId: number };

export interface UpdateOutcome {
  updateId: number;
  status: UpdateStatus;
  error: string | null;
  handledAt: Date;
  durationMs: number;
}

/**
 * Collects writes while the previous batch is in flight and sends each batch as one statement:
 * under load, one round trip acknowledges many webhook calls (group commit), and when idle a
 * write goes out at once. A few batches may be in flight together (a server database has a pool).
 */
function batcher<T, R>(flush: (items: T[]) => Promise<R[]>, maxBatch: number, parallel: number) {
  let queue: { item: T; resolve(r: R): void; reject(e: unknown): void }[] = [];
  let running = 0;

  async function drain(): Promise<void> {
    running++;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        const results = await flush(batch.map((b) => b.item));
        for (const [i, b] of batch.entries()) b.resolve(results[i]!);
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    running--;
  }

  return (item: T) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (running < parallel) void drain();
    });
}

/** The update log, written in batches; its primary key decides first delivery versus repeat. */
export function createUpdateLog(db: Executor, maxBatch = 200, parallel = 4) {
  const record = batcher<UpdateRecord, boolean>(
    async (items) => {
      // One statement may not touch a row twice, so repeats inside a batch are settled here.
      const firsts = new Map<number, UpdateRecord>();
      for (const item of items) if (!firsts.has(item.updateId)) firsts.set(item.updateId, item);
      const rows = await db
        .insert(telegramUpdates)
        .values([...firsts.values()])
        .onConflictDoUpdate({
          target: telegramUpdates.updateId,
          set: { deliveries: sql`${telegramUpdates.deliveries} + 1` },
        })
        // xmax is 0 only on a freshly inserted row: that tells a first delivery from a repeat.
        .returning({ updateId: telegramUpdates.updateId, inserted: sql<boolean>`(xmax = 0)` });
      const inserted = new Set(rows.filter((r) => r.inserted).map((r) => r.updateId));
      return items.map((item) => firsts.get(item.updateId) === item && inserted.has(item.updateId));
    },
    maxBatch,
    parallel,
  );

  const finish = batcher<UpdateOutcome, void>(
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
    maxBatch,
    parallel,
  );

  return {
    /** True for the first delivery of this update_id; false for any repeat. */
    record,
    /** Writes how handling ended. */
    finish,
  };
}
