import { defineConfig } from "vitest/config";

/**
 * `npm run test:e2e`: the service as an operator runs it. Each test file starts real server
 * processes (PGlite, and PostgreSQL when TEST_DATABASE_URL is set) and drives them over HTTP
 * only, so these are slow and live apart from `npm test`.
 */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 1,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    sequence: { hooks: "list" },
  },
});
