import fc from "fast-check";
import { vi } from "vitest";

// Setup file of the mutation-test runs (vitest.stryker.config.ts), run before each test file.
// - Our modules are evaluated afresh for every test file, so a mutant in a module-level constant
//   (a regex, a default) is evaluated with the mutant active. Packages in node_modules stay
//   cached, so this costs far less than isolating each test file in its own worker.
// - Properties try 25 inputs instead of 100: every mutant re-runs them, and a mutant that only
//   the 26th input would catch is rare enough for `npm test` (100 inputs) to be the one to find.
vi.resetModules();
fc.configureGlobal({ numRuns: 25 });
