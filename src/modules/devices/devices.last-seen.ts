import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Executor } from "../../db/client";
import { devices } from "./devices.table";

/** A stored lastSeenAt this much older than the truth is rewritten; younger ones are left alone. */
const WRITE_AFTER_MS = 60_000;
const BATCH_ROWS = 5_000;
/**
 * At most this many rows per timer tick, most out-of-date first: the embedded database runs in
 * this thread, and one large UPDATE would stall every request (a signal fan-out included).
 */
const ROWS_PER_TICK = 1_000;

export type LastSeenBuffer = ReturnType<typeof createLastSeenBuffer>;

/**
 * Every authenticated device call moves lastSeenAt, thousands of times a second under load.
 * Calls only touch this map, which answers for this instance exactly; a timer writes, in one
 * UPDATE … FROM unnest(…) per batch, the devices whose stored time has fallen a minute behind
 * (or that were never written), so the database sees a few statements a minute instead of one
 * per poll, and other instances and the offline sweep are never more than a minute behind.
 */
export function createLastSeenBuffer(deps: { db: Executor; logger: Logger; intervalMs?: number }) {
  const seen = new Map<string, Date>();
  const written = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  async function write(batch: [string, Date][]): Promise<void> {
    const ids = `{${batch.map(([id]) => id).join(",")}}`;
    const times = `{${batch.map(([, at]) => at.toISOString()).join(",")}}`;
    // Never move the time backwards: another instance may have written a later call already.
    await deps.db.execute(sql`
      update ${devices} set last_seen_at = v.at
      from unnest(${ids}::text[], ${times}::timestamptz[]) as v(id, at)
      where ${devices.id} = v.id and (${devices.lastSeenAt} is null or ${devices.lastSeenAt} < v.at)`);
    for (const [id, at] of batch) written.set(id, at.getTime());
  }

  async function flushNow(all: boolean): Promise<void> {
    const lag = ([id, at]: [string, Date]) => at.getTime() - (written.get(id) ?? 0);
    const due = [...seen].filter((entry) => lag(entry) >= (all ? 1 : WRITE_AFTER_MS));
    if (!all) due.sort((a, b) => lag(b) - lag(a)).splice(ROWS_PER_TICK);
    for (let i = 0; i < due.length; i += BATCH_ROWS) await write(due.slice(i, i + BATCH_ROWS));
  }

  const buffer = {
    touch(deviceId: string, at: Date): void {
      seen.set(deviceId, at);
    },
    /** The latest call this instance saw, written or not. */
    pendingFor(deviceId: string): Date | undefined {
      return seen.get(deviceId);
    },
    /** Writes every time not yet stored exactly (`all`), or only those a minute behind. */
    flush(all = true): Promise<void> {
      const run = () => flushNow(all);
      flushing = flushing.then(run, run);
      return flushing;
    },
    start(): void {
      timer ??= setInterval(() => {
        buffer
          .flush(false)
          .catch((err) => deps.logger.warn({ err }, "writing device last-seen times failed"));
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
