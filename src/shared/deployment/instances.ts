import { hostname } from "node:os";
import { eq, gt, lt } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { Clock } from "../clock";
import { newId } from "../ids";
import { StartupError } from "../startup-errors";
import { instances } from "./deployment.table";

/** How often a running instance says it is alive, and after how long without it it counts as gone. */
export const HEARTBEAT_MS = 15_000;
export const GONE_AFTER_MS = 45_000;

export interface ThisProcess {
  host: string;
  pid: number;
  redis: boolean;
  /** Whether a pid on this host still runs (a crashed predecessor's row must not block a restart). */
  alive(pid: number): boolean;
}

export const thisProcess = (redis: boolean): ThisProcess => ({
  host: hostname(),
  pid: process.pid,
  redis,
  alive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      // EPERM: it exists, owned by someone else.
      return (err as NodeJS.ErrnoException).code === "EPERM";
    }
  },
});

/**
 * Registers this server in the database and keeps its heartbeat. Refuses to start beside another
 * live instance unless both have Redis: without it, nonces, rate limits and poll wake-ups stay
 * inside each process, so a replayed request or a parked poll on the other one would go unseen.
 */
export async function registerInstance(db: Db, me: ThisProcess, clock: Clock) {
  const now = clock.now();
  const id = newId("ins", now.getTime());
  // Rows of processes that ended without deregistering: long silent, or dead pids on this host.
  await db.delete(instances).where(lt(instances.lastSeenAt, new Date(now.getTime() - 86_400_000)));
  const live = await db
    .select()
    .from(instances)
    .where(gt(instances.lastSeenAt, new Date(now.getTime() - GONE_AFTER_MS)));
  const others = [];
  for (const row of live) {
    if (row.host === me.host && !me.alive(row.pid)) {
      await db.delete(instances).where(eq(instances.id, row.id));
    } else others.push(row);
  }
  const blocking = others.find((other) => !me.redis || !other.redis);
  if (blocking) {
    const ago = Math.round((now.getTime() - blocking.lastSeenAt.getTime()) / 1000);
    throw new StartupError(
      `another instance runs on this database (${blocking.host} pid ${blocking.pid}, seen ${ago} s ago) and ${
        me.redis ? "it has no REDIS_URL" : "REDIS_URL is unset here"
      }: several instances need REDIS_URL on every one of them`,
    );
  }
  await db
    .insert(instances)
    .values({ id, host: me.host, pid: me.pid, redis: me.redis, startedAt: now, lastSeenAt: now });

  const beat = () =>
    db
      .update(instances)
      .set({ lastSeenAt: clock.now() })
      .where(eq(instances.id, id))
      .catch(() => undefined); // a lost connection is /readyz's to report; the next beat retries
  const timer = setInterval(beat, HEARTBEAT_MS);
  timer.unref();
  return {
    id,
    async stop() {
      clearInterval(timer);
      await db.delete(instances).where(eq(instances.id, id));
    },
  };
}
