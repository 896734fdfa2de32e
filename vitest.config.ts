import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts"],
    // The end-to-end suite starts real server processes; it runs with `npm run test:e2e`.
    // The browser tests drive chromium; they run with `npm run test:browser`.
    // The fault suite starts its own cluster and breaks it; it runs alone with `npm run test:faults`.
    exclude: ["test/e2e/**", "test/browser/**", "test/faults/**", "node_modules/**"],
    pool: "forks",
    maxWorkers: 2,
    // Test files in one worker share its migrated database (PGlite costs ~2 s and ~340 MB to
    // create); each test file cleans the tables it needs through the test helpers.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    sequence: { hooks: "list" },
  },
});
