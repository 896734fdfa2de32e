#!/usr/bin/env node
// Builds the pre-initialised PGlite data directory a fresh DATA_DIR starts from (see
// src/db/template.ts). Runs as the `prepare` script on `npm ci` / `npm install`; a failure here
// only costs start-up time later (initdb runs instead), so it never fails the install.
import { register } from "tsx/esm/api";

const started = performance.now();
try {
  register();
  const { buildTemplate } = await import("../src/db/template.ts");
  const dir = await buildTemplate();
  process.stdout.write(
    `signaldesk: PGlite template ready in ${Math.round(performance.now() - started)} ms (${dir})\n`,
  );
} catch (err) {
  process.stderr.write(`signaldesk: PGlite template not built (fresh data directories run initdb): ${err}\n`);
}
