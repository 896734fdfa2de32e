import { defineConfig } from "vitest/config";

/** Browser tests: the built console and Mini App in Debian's chromium (npm run test:browser). */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 1,
    testTimeout: 180_000,
    // Seeding a month of business history takes ~20 s on a quiet machine, minutes on a busy one.
    hookTimeout: 300_000,
  },
});
