#!/usr/bin/env node
// The CLI runs the TypeScript sources directly: there is no build step to forget. They run as one
// esbuild bundle when it was built from exactly the sources on disk (npm's prepare step builds it;
// a stale one is rebuilt here), else through tsx. scripts/cli-bundle.mjs explains.
import { buildBundle, freshBundle } from "../scripts/cli-bundle.mjs";

let bundle = freshBundle();
if (!bundle) bundle = await buildBundle().catch(() => undefined);
if (bundle) {
  // Stack traces name the TypeScript sources, as under tsx.
  process.setSourceMapsEnabled(true);
  await import(bundle);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli.ts");
}
