import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bundleEntry } from "../../scripts/cli-bundle.mjs";
import { BENCH_DATABASE_URL, freshBenchDatabase } from "../lib/bench-database";
import { runNodeForJson } from "../lib/child-json";
import { memoryBreakdown } from "../lib/memory";
import { spawnListeners } from "../lib/poll-listeners";
import { createBenchProducer, MARKET_BUY, percentile, seedDeviceOwners } from "../lib/relay-fixtures";
import { ROOT, round, startApp } from "../support";

export const name = "fanout";

const MASTER_KEY = "bench-master-key-0123456789abcdefghijklmnop";

const rssMb = () => round(process.memoryUsage.rss() / 1024 / 1024, 1);

export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The devices (bench/lib/poll-listeners.ts) in their own process, each long-polling on its own
 * socket and recording when its answer arrived.
 */
export function startDevices(url: string, devicesFile: string, expect: "signals" | "updates" = "signals") {
  const received = new Map<string, number>();
  // Coming online over a few seconds (as in scaleout.ts): 5,000 connects in one instant overflow
  // the listen backlog on a loaded two-core machine, and the refused devices never poll.
  const options = { url, devicesFile, waitSeconds: 30, expect, connectPerSecond: 1_500 };
  const { stop } = spawnListeners(options, { received });
  return { received, stop };
}

/**
 * SPEC.md §Speed 2: `devices` devices long-poll (one per VIP subscriber with auto-approve on);
 * one signal is published and so approved for all of them in its publishing transaction. The
 * approval instant is when that transaction has committed and the delivery index learns of it;
 * latency runs from there to each poll response arriving in the simulator. The server runs in
 * this process, so the RSS sampled here is the server's.
 */
export async function fanoutOn(databaseUrl: string | undefined, devices: number) {
  const app = await startApp({ databaseUrl });
  const memoryStarted = memoryBreakdown(app.database);
  const devicesFile = path.join(tmpdir(), `sd-bench-fanout-${process.pid}.json`);
  let sim: ReturnType<typeof startDevices> | undefined;
  try {
    const seeded = await seedDeviceOwners(app.database, { count: devices, masterKey: MASTER_KEY });
    const producer = await createBenchProducer(app.database, MASTER_KEY);
    await app.deps.delivery.rebuild();
    writeFileSync(devicesFile, JSON.stringify(seeded.map(({ id, secret }) => ({ id, secret }))));
    // When each poll response was handed to the kernel, to tell the server's share of the
    // latency from the simulator's.
    const written: number[] = [];
    app.app.server.prependListener("request", (req, res) => {
      if (req.url?.startsWith("/api/v1/device/poll")) res.once("finish", () => written.push(Date.now()));
    });
    // Stamped as the delivery module is told of the commit, before it wakes anybody: a reaction
    // registered here would run after delivery's, whose synchronous part wakes every device.
    let approvedAt = 0;
    const signalOpened = app.deps.delivery.signalOpened;
    app.deps.delivery.signalOpened = (...args) => {
      approvedAt = Date.now();
      return signalOpened(...args);
    };

    global.gc?.();
    await new Promise((r) => setTimeout(r, 500));
    const memoryIdle = memoryBreakdown(app.database);
    const rssIdleMb = memoryIdle.rssMb;
    let rssPeakMb = rssIdleMb;
    const sampler = setInterval(() => {
      rssPeakMb = Math.max(rssPeakMb, rssMb());
    }, 20);
    sim = startDevices(app.url, devicesFile);
    await until(
      () => app.deps.delivery.stats().waiting >= devices,
      120_000,
      "every device to park a poll",
    ).catch((err) => {
      throw new Error(`${err.message}: ${app.deps.delivery.stats().waiting} of ${devices} parked`);
    });
    const memoryParked = memoryBreakdown(app.database);
    const rssParkedMb = memoryParked.rssMb;
    // A heap snapshot of the parked state on request (it doubles the heap while written, so the
    // peak figure of such a run is not comparable): FANOUT_HEAP_SNAPSHOT=/tmp/parked.heapsnapshot.
    if (process.env.FANOUT_HEAP_SNAPSHOT)
      (await import("node:v8")).writeHeapSnapshot(process.env.FANOUT_HEAP_SNAPSHOT);

    const publishedAt = Date.now();
    await app.deps.signals.publish({ kind: "producer", producerId: producer.id }, MARKET_BUY);
    const received = sim.received;
    await until(() => received.size >= devices, 30_000, "every device to receive the signal").catch(() => {});
    clearInterval(sampler);
    const memoryServed = memoryBreakdown(app.database);

    const latency = [...received.values()].map((at) => at - approvedAt);
    const serverLatency = written.filter((at) => at >= approvedAt).map((at) => at - approvedAt);
    return {
      devices,
      received: received.size,
      minMs: Math.min(...latency),
      p50Ms: percentile(latency, 50),
      p99Ms: percentile(latency, 99),
      maxMs: Math.max(...latency),
      serverWrittenP99Ms: percentile(serverLatency, 99),
      publishToApprovalMs: approvedAt - publishedAt,
      rssIdleMb,
      rssParkedMb,
      rssPeakMb,
      rssAboveIdleMb: round(rssPeakMb - rssIdleMb, 1),
      // Where the memory is (bench/lib/memory.ts): after start, seeded and idle, every poll
      // parked, every device served.
      memory: { started: memoryStarted, idle: memoryIdle, parked: memoryParked, served: memoryServed },
    };
  } finally {
    await sim?.stop();
    await app.close();
    rmSync(devicesFile, { force: true });
  }
}

/**
 * Each variant runs in a process of its own, so the RSS reported is one server's: an embedded
 * database's WebAssembly heap is never returned to the system, and nothing of one variant
 * stays in the other's figures. The process runs a bundle (bench/lib/fanout-process.ts), as
 * `signaldesk start` does.
 */
async function fanoutInChild(databaseUrl: string | undefined, devices: number) {
  const bundle = await bundleEntry(path.join(ROOT, "bench/lib/fanout-process.ts"));
  return runNodeForJson<Awaited<ReturnType<typeof fanoutOn>>>(
    ["--expose-gc", "--enable-source-maps", bundle, JSON.stringify({ databaseUrl, devices })],
    "fanout",
  );
}

export async function run({ smoke }: { smoke: boolean }): Promise<Record<string, unknown>> {
  const devices = smoke ? 200 : 5_000;
  const databaseUrl = await freshBenchDatabase();
  const postgres = databaseUrl
    ? await fanoutInChild(databaseUrl, devices)
    : { skipped: `no PostgreSQL server at ${BENCH_DATABASE_URL}` };
  const pglite = await fanoutInChild(undefined, devices);
  // Reported as two scenarios, the keys SPEC.md §Speed names.
  return { scenarios: { fanout_pglite: pglite, fanout_postgres: postgres } };
}
