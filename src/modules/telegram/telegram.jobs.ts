import type { Logger } from "pino";

export interface Job {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/**
 * The bot's background work on timers (relaying order events, expiry reminders, pruning). A run
 * never overlaps the previous one of the same job; a failure is logged and the next tick retries.
 */
export function createJobs(jobs: Job[], logger: Logger) {
  const timers: NodeJS.Timeout[] = [];
  const running = new Map<string, Promise<unknown>>();

  function tick(job: Job): Promise<unknown> {
    const current = running.get(job.name);
    if (current) return current;
    const work = job
      .run()
      .catch((err) => logger.warn({ err, job: job.name }, "telegram background job failed"))
      .finally(() => running.delete(job.name));
    running.set(job.name, work);
    return work;
  }

  return {
    start(): void {
      if (timers.length > 0) return;
      for (const job of jobs) {
        const timer = setInterval(() => void tick(job), job.everyMs);
        timer.unref();
        timers.push(timer);
      }
    },
    /** Runs one job now (an event said there is work; tests). */
    runNow: (name: string) => tick(jobs.find((j) => j.name === name)!),
    async stop(): Promise<void> {
      for (const timer of timers.splice(0)) clearInterval(timer);
      await Promise.allSettled([...running.values()]);
    },
  };
}
