// The registry this project is built against serves only the platform packages of the machine
// it runs on, so `npm install` leaves the other platforms' optional packages (esbuild, Biome,
// rolldown binaries…) out of package-lock.json, and `npm ci` then refuses the lock as out of
// sync. This records each missing optional package as an optional entry; `npm ci` skips the
// ones that do not apply to (or cannot be fetched for) the platform it runs on.
// Run after every `npm install`: `npm run lockfile:complete`.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const packages = lock.packages;
let added = 0;
for (const [path, meta] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = path ? `${path}/node_modules/${name}` : `node_modules/${name}`;
    const top = `node_modules/${name}`;
    if (packages[nested] || packages[top]) continue;
    const version = String(range).replace(/^[\^~=v]+/, "");
    packages[top] = { version, ...(meta.dev ? { dev: true } : {}), optional: true };
    added++;
  }
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} optional platform packages recorded`);
