import { defineConfig } from "vitest/config";

/** Browser tests: the built console and Mini App in Debian's chromium (npm run test:browser). */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
