#!/usr/bin/env node
// `npm ci` / `npm install` run this (the `prepare` script): it builds what makes a cold start
// fast, both under node_modules/.cache/signaldesk and both optional, and the web pages (the
// console and the Mini App) into web/dist. A failure only costs start-up time later (tsx instead
// of the bundle, initdb instead of the template) or leaves /console and /app answering 503 with
// a message saying how to build them, so it never fails the install.
import { buildBundle } from "./cli-bundle.mjs";
import { buildWeb } from "./web-build.mjs";

async function step(name, work) {
  const started = performance.now();
  try {
    const where = await work();
    process.stdout.write(
      `signaldesk: ${name} ready in ${Math.round(performance.now() - started)} ms (${where})\n`,
    );
  } catch (err) {
    process.stderr.write(`signaldesk: ${name} not built, start-up will be slower: ${err}\n`);
  }
}

await step("CLI bundle", buildBundle);
await step("web pages", buildWeb);
await step("PGlite template", async () => {
  const { register } = await import("tsx/esm/api");
  register();
  const { buildTemplate } = await import("../src/db/template.ts");
  return buildTemplate();
});
