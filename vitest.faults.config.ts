import { defineConfig } from "vitest/config";

/**
 * `npm run test:faults`: several real server processes on a PostgreSQL cluster and a Redis
 * server of the suite's own (never the shared ones), each instance reaching them through a
 * fault proxy; faults are injected and healed and the invariants checked (issue 19). One worker:
 * the faults run one after another on one cluster.
 */
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    sequence: { hooks: "list" },
  },
});
