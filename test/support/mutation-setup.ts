import { vi } from "vitest";

// Setup file of the mutation-test runs (vitest.stryker.config.ts), run before each test file:
// our modules are evaluated afresh for every test file, so a mutant in a module-level constant
// (a regex, a default) is evaluated with the mutant active. Packages in node_modules stay cached,
// so this costs far less than isolating each test file in its own worker.
vi.resetModules();
