import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config";

// The test configuration Stryker runs (stryker.config.mjs). Each test file gets fresh modules
// (`isolate`), so a mutant in a module-level constant (a regex, a default) is evaluated with the
// mutant active; with the shared workers of `npm test` the first import would stay cached and
// such mutants would survive unseen.
export default mergeConfig(base, defineConfig({ test: { isolate: true } }));
