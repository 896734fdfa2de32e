import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { newId } from "../../src/shared/ids";
import { isEntryPoint, runNodeForJson } from "../lib/child-json";
import { createBenchProducer, MARKET_BUY, percentile, seedDeviceOwners } from "../lib/relay-fixtures";
import { startApp } from "../support";
import { startDevices, until } from "./fanout";

export const name = "updates_fanout";

const MASTER_KEY = "bench-master-key-0123456789abcdefghijklmnop";

/**
 * SPEC.md §Speed 8: a signal filled by `devices` devices (one per auto-approving subscriber),
 * all of them long-polling; the producer closes it. Latency runs from the commit of the close
 * (when the delivery module learns of it) to each device's poll answer carrying the update, read
 * by the same raw-socket listeners as the entry fan-out. The position book holds the fills from
 * the rebuild on (`holdersBeforeUpdate`); were they missing, the first update would load them
 * from the database inside the measurement (`holdersLoadedMs`). Embedded database.
 */
export async function updatesFanout(devices: number): Promise<Record<string, unknown>> {
  const app = await startApp();
  const devicesFile = path.join(tmpdir(), `sd-bench-updates-${process.pid}.json`);
  let sim: ReturnType<typeof startDevices> | undefined;
  try {
    const seeded = await seedDeviceOwners(app.database, { count: devices, masterKey: MASTER_KEY });
    const producer = await createBenchProducer(app.database, MASTER_KEY);
    const publisher = { kind: "producer" as const, producerId: producer.id };
    const { signal } = await app.deps.signals.publish(publisher, {
      ...MARKET_BUY,
      stopLoss: 1.05,
      takeProfit: 1.2,
      ttlSeconds: 3_600,
    });
    // Every device filled the entry (written in one statement: the fills are not what is measured).
    const now = new Date().toISOString();
    await app.database.db.execute(sql`
      insert into executions (id, signal_id, device_id, user_id, status, price, volume, broker_ticket,
        acked_at, filled_at, updated_at)
      select ${newId("exe")} || d.id, ${signal.id}, d.id, d.user_id, 'filled', 1.1, 0.1, 'T-' || d.id,
        ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz
      from devices d`);
    await app.deps.delivery.rebuild();
    writeFileSync(devicesFile, JSON.stringify(seeded.map(({ id, secret }) => ({ id, secret }))));
    // Stamped as the delivery module is told of the commit, before it wakes anybody: a reaction
    // registered here would run after delivery's, whose synchronous part wakes every holder.
    // `wokenAt`: every holder's parked poll handed its answer (the holders' load, if any, included).
    let committedAt = 0;
    let wokenAt = 0;
    const positionUpdated = app.deps.delivery.positionUpdated;
    app.deps.delivery.positionUpdated = (signal, update) => {
      committedAt = Date.now();
      return positionUpdated(signal, update).then(() => {
        wokenAt = Date.now();
      });
    };
    // When each poll answer was handed to the kernel (the server's share of the latency), and
    // when the position's holders were in memory (the database load's share).
    const written: number[] = [];
    app.app.server.prependListener("request", (req, res) => {
      if (req.url?.startsWith("/api/v1/device/poll")) res.once("finish", () => written.push(Date.now()));
    });
    let holdersLoadedAt = 0;
    const watchHolders = setInterval(() => {
      if (!holdersLoadedAt && app.deps.delivery.stats().holders >= devices) holdersLoadedAt = Date.now();
    }, 5);
    sim = startDevices(app.url, devicesFile, "updates");
    await until(() => app.deps.delivery.stats().waiting >= devices, 120_000, "every device to park a poll");

    const holdersBeforeUpdate = app.deps.delivery.stats().holders;
    const startedAt = Date.now();
    await app.deps.positions.update(publisher, signal.id, {
      action: "close",
      stopLoss: null,
      takeProfit: null,
      fraction: null,
      externalId: null,
      note: null,
    });
    const received = sim.received;
    await until(() => received.size >= devices, 30_000, "every device to receive the close").catch(() => {});
    clearInterval(watchHolders);
    const latency = [...received.values()].map((at) => at - committedAt);
    const serverLatency = written.filter((at) => at >= committedAt).map((at) => at - committedAt);
    return {
      devices,
      received: received.size,
      minMs: Math.min(...latency),
      p50Ms: percentile(latency, 50),
      p99Ms: percentile(latency, 99),
      maxMs: Math.max(...latency),
      serverWrittenP99Ms: percentile(serverLatency, 99),
      holdersBeforeUpdate,
      holdersWokenMs: wokenAt - committedAt,
      holdersLoadedMs:
        holdersBeforeUpdate >= devices ? 0 : holdersLoadedAt ? holdersLoadedAt - committedAt : null,
      updateCommitMs: committedAt - startedAt,
      database: "pglite",
    };
  } finally {
    await sim?.stop();
    await app.close();
    rmSync(devicesFile, { force: true });
  }
}

/**
 * In a process of its own, as each fan-out variant: in the bench's process the server would
 * share the heap and event loop with what the scenarios before it left behind (their garbage,
 * timers and closed servers' buffers), and the 5,000 answers' GC pauses grow with it.
 */
if (isEntryPoint(import.meta.url)) {
  const { devices } = JSON.parse(process.argv[2]!) as { devices: number };
  process.stdout.write(JSON.stringify(await updatesFanout(devices)));
  process.exit(0);
}

export function run({ smoke }: { smoke: boolean }): Promise<Record<string, unknown>> {
  const self = fileURLToPath(import.meta.url);
  const devices = smoke ? 200 : 5_000;
  return runNodeForJson(["--import", "tsx", self, JSON.stringify({ devices })], "updates_fanout");
}
