import { defineConfig } from "vitest/config";
import base from "./vitest.config";

// The test configuration Stryker runs (stryker.config.mjs, through scripts/mutation.mjs).
// - test/support/mutation-setup.ts evaluates our modules afresh for each test file, so a mutant
//   in a module-level constant (a regex, a default) is evaluated with the mutant active; with
//   the shared workers of `npm test` the first import would stay cached and such mutants would
//   survive unseen.
// - MUTATION_TESTS names the test files of the file under mutation. Stryker's own `testFiles`
//   option is not used: with it, Stryker 9.6 activates static mutants only after the module
//   was imported (stryker-js#6144), so they would survive unseen too.
const tests = process.env.MUTATION_TESTS?.split(",").filter(Boolean);

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    setupFiles: ["test/support/mutation-setup.ts"],
    ...(tests ? { include: tests } : {}),
  },
});
