import { isConnectionLoss } from "../../db/errors";
/** The two logger methods used; a pino logger fits. */
export interface SweeperLogger {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

export interface Sweeper {
  start(): void;
  stop(): Promise<void>;
}

/**
 * Periodic housekeeping: writes `expired` onto overdue pending orders and forgets old
 * idempotency keys. Reads already treat an overdue order as expired, so the interval only
 * bounds how stale the stored status is. Runs never overlap; stop() waits for a running one.
 */
export function createSweeper(deps: {
  logger: SweeperLogger;
  intervalMs?: number;
  tasks: Record<string, () => Promise<number>>;
}): Sweeper {
  const intervalMs = deps.intervalMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function sweep() {
    for (const [name, task] of Object.entries(deps.tasks)) {
      try {
        const count = await task();
        if (count > 0) deps.logger.info({ task: name, count }, "sweeper ran");
      } catch (err) {
        // A database out of reach (restarting, partitioned) is /readyz's to report; the next
        // run does the work. Anything else is a fault in the task.
        if (isConnectionLoss(err))
          deps.logger.warn({ err, task: name }, "sweeper task skipped: database unreachable");
        else deps.logger.error({ err, task: name }, "sweeper task failed");
      }
    }
  }

  return {
    start() {
      if (timer) return;
      const tick = () => {
        running ??= sweep().finally(() => {
          running = undefined;
        });
      };
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
