import type { Logger } from "pino";
import type { createChannelAccess } from "./channels.access";
import type { createChannelPosts } from "./channels.posts";

/** How often members who stopped qualifying are looked for: an expiry is acted on within 60 s. */
export const SWEEP_EVERY_MS = 5_000;
export const POSTS_EVERY_MS = 1_000;
export const RECONCILE_EVERY_MS = 3_600_000;

interface Job {
  name: "access" | "posts" | "reconcile";
  everyMs: number;
  run(): Promise<unknown>;
}

export type ChannelJobs = ReturnType<typeof createChannelJobs>;

/**
 * The channels' background work: the sweep and the removals (every 5 s, and at once when an
 * entitlement changes), the posts (every second, and at once when one is written) and the
 * reconcile (at start, then hourly). A job never overlaps itself; a run asked for while one is
 * going runs again right after it, so no request is lost.
 */
export function createChannelJobs(deps: {
  access: ReturnType<typeof createChannelAccess>;
  posts: ReturnType<typeof createChannelPosts>;
  logger: Logger;
}) {
  const jobs: Job[] = [
    {
      name: "access",
      everyMs: SWEEP_EVERY_MS,
      run: async () => {
        await deps.access.sweep();
        await deps.access.processRemovals();
      },
    },
    { name: "posts", everyMs: POSTS_EVERY_MS, run: () => deps.posts.sendDue() },
    { name: "reconcile", everyMs: RECONCILE_EVERY_MS, run: () => deps.access.reconcile() },
  ];
  const timers: NodeJS.Timeout[] = [];
  const running = new Map<string, Promise<unknown>>();
  const again = new Map<string, Promise<unknown>>();

  function tick(job: Job): Promise<unknown> {
    const current = running.get(job.name);
    if (current) {
      // Asked again while running: one more run once this one ends.
      const queued =
        again.get(job.name) ??
        current.then(() => {
          again.delete(job.name);
          return tick(job);
        });
      again.set(job.name, queued);
      return queued;
    }
    const work = job
      .run()
      .catch((err) => deps.logger.warn({ err, job: job.name }, "channels background job failed"))
      .finally(() => running.delete(job.name));
    running.set(job.name, work);
    return work;
  }
  const byName = (name: Job["name"]) => jobs.find((j) => j.name === name)!;

  return {
    /** Starts the timers and, unless told otherwise, the start-up reconcile. */
    start(opts: { reconcileNow?: boolean } = {}): void {
      if (timers.length > 0) return;
      for (const job of jobs) {
        const timer = setInterval(() => void tick(job), job.everyMs);
        timer.unref();
        timers.push(timer);
      }
      if (opts.reconcileNow ?? true) void tick(byName("reconcile"));
    },
    /** Runs one job now (an event said there is work; tests drive the jobs with this). */
    runNow: (name: Job["name"]) => tick(byName(name)),
    async stop(): Promise<void> {
      for (const timer of timers.splice(0)) clearInterval(timer);
      await Promise.allSettled([...running.values(), ...again.values()]);
    },
  };
}
