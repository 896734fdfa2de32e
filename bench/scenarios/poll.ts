import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { seedDeviceOwners } from "../../src/tools/relay-fixtures";
import { measureSigned } from "../../src/tools/signed-load";
import { measure, round, startApp, startBaseline } from "../support";

export const name = "poll";

const MASTER_KEY = "bench-master-key-0123456789abcdefghijklmnop";

/**
 * SPEC.md §Speed 1: signed polls with nothing pending (wait=0) from 1,000 registered devices,
 * round-robin, each request freshly signed (its own timestamp and nonce) by the load generator,
 * against a bare Fastify JSON route with the same connections and duration.
 */
export async function run({ smoke }: { smoke: boolean }): Promise<Record<string, unknown>> {
  const seconds = smoke ? 1 : 10;
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
      await measureSigned({ ...load, seconds: 3 });
      await measure(baseline.url, { seconds: 2, connections });
    }
    const bare = await measure(baseline.url, { seconds, connections });
    const poll = await measureSigned({ ...load, seconds });
    const failures = Object.entries(poll.statuses).filter(([status]) => status !== "200");
    if (failures.length > 0 || poll.errors > 0) {
      throw new Error(`signed polls failed: ${JSON.stringify(poll.statuses)}, ${poll.errors} errors`);
    }
    return {
      rps: poll.rps,
      baselineRps: bare.rps,
      ratio: round(poll.rps / bare.rps, 3),
      p50Ms: poll.p50Ms,
      p99Ms: poll.p99Ms,
      baselineP99Ms: bare.p99Ms,
      devices: devices.length,
      connections,
      seconds,
      requests: poll.requests,
    };
  } finally {
    await baseline.close();
    await app.close();
  }
}
