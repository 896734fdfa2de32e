import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { reusedBenchDatabase } from "../lib/bench-database";
import { createBenchProducer, MARKET_BUY, seedDeviceOwners } from "../lib/relay-fixtures";
import { measureSigned } from "../lib/signed-load";
import { round, startApp } from "../support";

export const name = "fills";

const MASTER_KEY = "bench-master-key-0123456789abcdefghijklmnop";
const FILLS_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_fills";

/**
 * SPEC.md §Speed 3, on PostgreSQL: every request is a signed fill of a different (signal,
 * device) pair its owner approved, from 64 connections. Afterwards the database must hold
 * exactly as many filled executions as the server answered 201: none lost.
 */
export async function run({ smoke }: { smoke: boolean }): Promise<Record<string, unknown>> {
  // Its own database, kept and truncated between runs so runs compare (bench/lib/bench-database.ts);
  // FILLS_DATABASE_URL moves it, e.g. when two people run the bench on one server at once.
  const databaseUrl = await reusedBenchDatabase(process.env.FILLS_DATABASE_URL ?? FILLS_DATABASE_URL);
  if (!databaseUrl) return { skipped: "no PostgreSQL server for the bench database" };
  const owners = smoke ? 20 : 200;
  const signalCount = smoke ? 10 : 100;
  const connections = 64;
  const app = await startApp({ databaseUrl });
  try {
    const devices = await seedDeviceOwners(app.database, { count: owners, masterKey: MASTER_KEY });
    await app.deps.delivery.rebuild();
    const producer = await createBenchProducer(app.database, MASTER_KEY);
    const signalIds: string[] = [];
    for (let i = 0; i < signalCount; i++) {
      const { signal } = await app.deps.signals.publish(
        { kind: "producer", producerId: producer.id },
        { ...MARKET_BUY, ttlSeconds: 3600, externalId: `fills-${i}` },
      );
      signalIds.push(signal.id);
    }
    const devicesFile = path.join(tmpdir(), `sd-bench-fills-${process.pid}.json`);
    writeFileSync(devicesFile, JSON.stringify(devices.map(({ id, secret }) => ({ id, secret }))));

    const cpuBefore = process.cpuUsage();
    const load = await measureSigned({ url: app.url, devicesFile, connections, mode: "fill", signalIds });
    const cpu = process.cpuUsage(cpuBefore);
    const [row] = await app.database.query<{ n: number }>(
      "select count(*)::int as n from executions where status = 'filled'",
    );
    const created = load.statuses["201"] ?? 0;
    return {
      rps: Math.round(created / load.durationSeconds),
      sent: load.requests,
      created,
      stored: row?.n ?? 0,
      lost: created - (row?.n ?? 0),
      statuses: load.statuses,
      errors: load.errors,
      p50Ms: load.p50Ms,
      p99Ms: load.p99Ms,
      connections,
      // The service's own CPU per answered fill (the load is another process): on a busy machine
      // the rate moves with the neighbours, this much less. 0.25 ms is what 4,000/s on one core needs.
      cpuMsPerFill: round((cpu.user + cpu.system) / 1000 / Math.max(1, load.requests), 3),
    };
  } finally {
    await app.close();
  }
}
