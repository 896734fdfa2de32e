import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { seedDeviceOwners } from "../lib/relay-fixtures";
import { measureSigned } from "../lib/signed-load";
import { failuresOf, type LoadResult, measure, startApp, startBaseline, versusBaseline } from "../support";

export const name = "poll";

const MASTER_KEY = "bench-master-key-0123456789abcdefghijklmnop";

/**
 * SPEC.md §Speed 1: signed polls with nothing pending (wait=0) from 1,000 registered devices,
 * round-robin, every request with its own timestamp and nonce, against a bare Fastify JSON route
 * with the same connections; alternating rounds, averaged, like the quotes scenario.
 */
export async function run({ smoke }: { smoke: boolean }): Promise<Record<string, unknown>> {
  const rounds = smoke ? 1 : 3;
  const seconds = smoke ? 1 : 5;
  const connections = 10;
  const app = await startApp();
  const baseline = await startBaseline();
  try {
    const devices = await seedDeviceOwners(app.database, { count: 1_000, masterKey: MASTER_KEY });
    await app.deps.delivery.rebuild();
    const devicesFile = path.join(tmpdir(), `sd-bench-poll-${process.pid}.json`);
    writeFileSync(devicesFile, JSON.stringify(devices.map(({ id, secret }) => ({ id, secret }))));
    const load = { url: app.url, devicesFile, connections, mode: "poll" as const };
    if (!smoke) {
      // Warm both up (JIT, caches, every device's first call) so neither pays for it when measured.
      await measureSigned({ ...load, seconds: 2 });
      await measure(baseline.url, { seconds: 2, connections });
    }
    const bare: LoadResult[] = [];
    const polls: LoadResult[] = [];
    for (let i = 0; i < rounds; i++) {
      bare.push(await measure(baseline.url, { seconds, connections }));
      polls.push(await measureSigned({ ...load, seconds }));
    }
    if (failuresOf(polls, (status) => status === "200") > 0) {
      throw new Error(`signed polls failed: ${JSON.stringify(polls.map((p) => p.statuses))}`);
    }
    return { ...versusBaseline("poll", polls, bare, seconds), devices: devices.length, connections };
  } finally {
    await baseline.close();
    await app.close();
  }
}
