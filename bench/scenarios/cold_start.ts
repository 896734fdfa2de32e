import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServerProcess } from "../../test/support/process";

export const name = "cold_start";

/**
 * The real `signaldesk start` on an empty DATA_DIR (PGlite created, migrations applied, catalog
 * seeded) until /readyz answers 200; the median of a few runs. Goal: ≤ 1.5 s.
 */
export async function run({ smoke }: { smoke: boolean }) {
  const runs: number[] = [];
  for (let i = 0; i < (smoke ? 1 : 3); i++) {
    const dataDir = mkdtempSync(path.join(tmpdir(), "sd-cold-"));
    const server = await startServerProcess({ DATA_DIR: dataDir, LOG_LEVEL: "warn", TELEGRAM_MODE: "off" });
    runs.push(server.readyMs);
    server.child.kill("SIGTERM");
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
  const sorted = [...runs].sort((a, b) => a - b);
  return { ms: sorted[Math.floor(sorted.length / 2)]!, runsMs: runs };
}
