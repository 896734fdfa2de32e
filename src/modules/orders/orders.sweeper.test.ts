import { describe, expect, it } from "vitest";
import { createSweeper } from "./orders.sweeper";

const quietLogger = () => {
  const lines: { level: string; details: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (details: Record<string, unknown>) => lines.push({ level: "info", details }),
    warn: (details: Record<string, unknown>) => lines.push({ level: "warn", details }),
    error: (details: Record<string, unknown>) => lines.push({ level: "error", details }),
  };
};

describe("the periodic sweeper", () => {
  it("runs every task at start and on each interval, until stopped", async () => {
    const logger = quietLogger();
    let runs = 0;
    const sweeper = createSweeper({
      logger: logger,
      intervalMs: 10,
      tasks: { "orders.expire": async () => ++runs },
    });
    sweeper.start();
    await expect.poll(() => runs).toBeGreaterThanOrEqual(3);
    await sweeper.stop();
    const stoppedAt = runs;
    await new Promise((r) => setTimeout(r, 40));
    expect(runs).toBe(stoppedAt);
    expect(logger.lines[0]).toEqual({ level: "info", details: { task: "orders.expire", count: 1 } });
  });

  it("keeps going when one task fails, logging the failure", async () => {
    const logger = quietLogger();
    let healthy = 0;
    const sweeper = createSweeper({
      logger: logger,
      intervalMs: 10,
      tasks: {
        broken: async () => {
          throw new Error("database away");
        },
        healthy: async () => {
          healthy += 1;
          return 0;
        },
      },
    });
    sweeper.start();
    await expect.poll(() => healthy).toBeGreaterThanOrEqual(2);
    await sweeper.stop();
    expect(logger.lines.filter((l) => l.level === "error").length).toBeGreaterThanOrEqual(2);
  });

  it("logs a task failed for a database out of reach as a warning, other failures as errors", async () => {
    const logger = quietLogger();
    let runs = 0;
    const sweeper = createSweeper({
      logger: logger,
      intervalMs: 10,
      tasks: {
        restarting: async () => {
          runs++;
          throw Object.assign(new Error("Failed query: delete"), {
            cause: new Error("terminating connection due to administrator command"),
            code: "57P01",
          });
        },
        buggy: async () => {
          throw new TypeError("x is undefined");
        },
      },
    });
    sweeper.start();
    await expect.poll(() => runs).toBeGreaterThanOrEqual(2);
    await sweeper.stop();
    const levelOf = (task: string) => [
      ...new Set(logger.lines.filter((l) => l.details.task === task).map((l) => l.level)),
    ];
    expect(levelOf("restarting")).toEqual(["warn"]);
    expect(levelOf("buggy")).toEqual(["error"]);
  });

  it("never overlaps runs, and stop() waits for the one in flight", async () => {
    let running = 0;
    let maxRunning = 0;
    let finished = 0;
    const sweeper = createSweeper({
      logger: quietLogger(),
      intervalMs: 5,
      tasks: {
        slow: async () => {
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          await new Promise((r) => setTimeout(r, 30));
          running -= 1;
          finished += 1;
          return 0;
        },
      },
    });
    sweeper.start();
    await new Promise((r) => setTimeout(r, 50));
    await sweeper.stop();
    expect(maxRunning).toBe(1);
    expect(running).toBe(0);
    expect(finished).toBeGreaterThanOrEqual(1);
  });
});
