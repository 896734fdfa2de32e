import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Executor } from "../../db/client";
import { devices } from "./devices.table";

const BATCH_ROWS = 500;

export type LastSeenBuffer = ReturnType<typeof createLastSeenBuffer>;

/**
 * Every authenticated device call moves lastSeenAt, thousands of times a second under load.
 * Calls only touch this map; a timer writes what changed in one UPDATE … FROM (VALUES …) per
 * batch, so the database sees a few statements every interval instead of one per poll.
 */
export function createLastSeenBuffer(deps: { db: Executor; logger: Logger; intervalMs?: number }) {
  const pending = new Map<string, Date>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  async function write(batch: [string, Date][]): Promise<void> {
    const values = sql.join(
      batch.map(([id, at]) => sql`(${id}::text, ${at.toISOString()}::timestamptz)`),
      sql`, `,
    );
    // Never move the time backwards: another instance may have written a later call already.
    await deps.db.execute(sql`
      update ${devices} set last_seen_at = v.at
      from (values ${values}) as v(id, at)
      where ${devices.id} = v.id and (${devices.lastSeenAt} is null or ${devices.lastSeenAt} < v.at)`);
    for (const [id, at] of batch) if (pending.get(id) === at) pending.delete(id);
  }

  async function flushNow(): Promise<void> {
    const entries = [...pending.entries()];
    for (let i = 0; i < entries.length; i += BATCH_ROWS) await write(entries.slice(i, i + BATCH_ROWS));
  }

  const buffer = {
    touch(deviceId: string, at: Date): void {
      pending.set(deviceId, at);
    },
    /** A call not yet written to the database, if any. */
    pendingFor(deviceId: string): Date | undefined {
      return pending.get(deviceId);
    },
    /** Writes everything buffered; concurrent callers share one flush at a time. */
    flush(): Promise<void> {
      flushing = flushing.then(flushNow, flushNow);
      return flushing;
    },
    start(): void {
      timer ??= setInterval(() => {
        buffer.flush().catch((err) => deps.logger.warn({ err }, "writing device last-seen times failed"));
      }, deps.intervalMs ?? 5_000);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await buffer.flush();
    },
  };
  return buffer;
}
