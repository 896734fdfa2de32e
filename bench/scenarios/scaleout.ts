import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { bundleEntry } from "../../scripts/cli-bundle.mjs";
import { openDatabase } from "../../src/db/open";
import { freshBenchDatabase } from "../lib/bench-database";
import { FD_LIMIT, spawnWithFdLimit } from "../lib/fd-limit";
import { flameGraphSvg, perfFrameTree } from "../lib/flame-graph";
import { monotonicSeconds, perfRecord, sampleProcess, samplesWithin, sharesByProcess } from "../lib/perf";
import { spawnListeners } from "../lib/poll-listeners";
import { createBenchProducer, percentile, seedDeviceOwners } from "../lib/relay-fixtures";
import type { InstanceOptions, InstanceReply, InstanceRequest, InstanceStats } from "../lib/server-instance";
import { ROOT, round } from "../support";
import { until } from "./fanout";

export const name = "scaleout";

/** Its own database and Redis db index, so it never shares state with another scenario's. */
export const SCALEOUT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_scaleout";
export const SCALEOUT_REDIS_URL = "redis://127.0.0.1:6379/9";
const MASTER_KEY = "bench-master-key-0123456789abcdefghijklmnop";
const INSTANCES = 2;
/** Device processes: each holds half the sockets, so neither needs more than ~10,000 descriptors. */
const LISTENERS = 2;

/** Per device process: the 20,000 come online over ~7 s (see poll-listeners' connectPerSecond). */
const CONNECT_PER_SECOND = 1_500;
/** How long every device gets to park its first poll before the signal goes out anyway. */
const PARK_DEADLINE_MS = 60_000;
/** perf's samples per second on each CPU under SCALEOUT_PERF. */
const PERF_HZ = 999;

interface Instance {
  url: string;
  startMs: number;
  pid: number;
  stats(): Promise<InstanceStats>;
  idle(): Promise<InstanceStats>;
  publish(producerId: string): Promise<{ publishedAt: number; approvedAt: number; signalId: string }>;
  /** Starts a CPU profile; called again, stops it and writes it to `file`. */
  profile(file?: string): Promise<InstanceStats>;
  stop(): Promise<InstanceStats | undefined>;
}

/**
 * The instance process's code, bundled as `signaldesk start` runs its own (scripts/cli-bundle.mjs):
 * under tsx each instance would carry the loader's ~70 MB of RSS, which is not the service's.
 */
function instanceBundle(): Promise<string> {
  return bundleEntry(path.join(ROOT, "bench/lib/instance-process.ts"));
}

/** One server process (bench/lib/server-instance.ts) and a request/reply channel to it. */
function startInstance(bundle: string, opts: InstanceOptions): Promise<Instance> {
  const child = spawnWithFdLimit(
    [
      "--expose-gc",
      // As bin/signaldesk.js does for its bundle: stack traces name the TypeScript sources.
      "--enable-source-maps",
      // SCALEOUT_CPU_PROF_DIR=dir: each instance writes a CPU profile there when it stops.
      ...(process.env.SCALEOUT_CPU_PROF_DIR
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.SCALEOUT_CPU_PROF_DIR}`]
        : []),
      bundle,
      JSON.stringify(opts),
    ],
    ["ignore", "pipe", "inherit", "ipc"],
  );
  // Its log lines must not land in the bench's own stdout (the report).
  child.stdout?.pipe(process.stderr);
  const waiting = new Map<number, { resolve(r: InstanceReply): void; reject(e: Error): void }>();
  let nextId = 1;
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.on("exit", (code) => {
      exited = true;
      for (const w of waiting.values()) w.reject(new Error(`instance exited with ${code}`));
      waiting.clear();
      resolve();
    }),
  );
  const request = <R extends InstanceReply>(req: Omit<InstanceRequest, "id">): Promise<R> =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error("instance has exited"));
      const id = nextId++;
      waiting.set(id, { resolve: resolve as (r: InstanceReply) => void, reject });
      child.send({ ...req, id });
    });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`instance exited with ${code} before it was ready`)));
    child.on("message", (m: InstanceReply) => {
      if ("event" in m) {
        resolve({
          url: m.url,
          startMs: m.startMs,
          pid: m.pid,
          stats: () =>
            request<{ id: number; ok: true; stats: InstanceStats }>({ cmd: "stats" }).then((r) => r.stats),
          idle: () =>
            request<{ id: number; ok: true; stats: InstanceStats }>({ cmd: "idle" }).then((r) => r.stats),
          profile: (file) =>
            request<{ id: number; ok: true; stats: InstanceStats }>({ cmd: "profile", file } as never).then(
              (r) => r.stats,
            ),
          publish: (producerId) =>
            request<Extract<InstanceReply, { signalId: string }>>({ cmd: "publish", producerId } as never),
          async stop() {
            if (exited) return undefined;
            const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
            const last = await request<{ id: number; ok: true; stats: InstanceStats }>({ cmd: "stop" })
              .then((r) => r.stats)
              .catch(() => undefined);
            await exit;
            clearTimeout(killer);
            return last;
          },
        });
        return;
      }
      const w = waiting.get(m.id);
      if (!w) return;
      waiting.delete(m.id);
      if (m.ok) w.resolve(m);
      else w.reject(new Error(m.error));
    });
  });
}

/** A device process (bench/lib/poll-listeners.ts) spreading its devices over `urls` in turn. */
function startListeners(
  urls: string[],
  devicesFile: string,
  received: Map<string, number>,
  refused: Record<string, number>,
) {
  const options = { url: urls[0]!, urls, devicesFile, waitSeconds: 30, connectPerSecond: CONNECT_PER_SECOND };
  return spawnListeners(options, { received, refused });
}

/** Empties the scenario's Redis db (nonces, rate limits of an earlier run); false when none answers. */
async function freshRedis(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.flushdb();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/**
 * SPEC.md §Speed 7: `devices` devices (one per auto-approving VIP subscriber) long-poll two
 * instances sharing one PostgreSQL and one Redis, half on each, spread in turn as a round-robin
 * balancer would. One signal is published on the first instance, which approves it for all of
 * them in its transaction; the second learns of it only through Redis (delivery.bus.ts) and loads
 * the approvals from the database. Latency runs from that commit on the first instance to each
 * device's answer arriving; both figures are wall-clock times of the same machine. Each
 * instance samples its own RSS every 50 ms.
 */
export async function run({ smoke }: { smoke: boolean }): Promise<Record<string, unknown>> {
  // SCALEOUT_DEVICES=n runs it at another size (a profile at 4,000 takes a quarter of the time).
  const devices = Number(process.env.SCALEOUT_DEVICES ?? (smoke ? 200 : 20_000));
  const databaseUrl = await freshBenchDatabase(SCALEOUT_DATABASE_URL);
  if (!databaseUrl) return { skipped: `no PostgreSQL server at ${SCALEOUT_DATABASE_URL}` };
  if (!(await freshRedis(SCALEOUT_REDIS_URL))) return { skipped: `no Redis server at ${SCALEOUT_REDIS_URL}` };

  const work = mkdtempSync(path.join(tmpdir(), "sd-bench-scaleout-"));
  const instances: Instance[] = [];
  const listeners: ReturnType<typeof startListeners>[] = [];
  try {
    // Seeded (and migrated) from here, before any instance starts: each loads them into its index.
    const database = await openDatabase({ databaseUrl, dataDir: work });
    const seeded = await seedDeviceOwners(database, { count: devices, masterKey: MASTER_KEY });
    const producer = await createBenchProducer(database, MASTER_KEY);
    await database.close();

    const options: InstanceOptions = { databaseUrl, redisUrl: SCALEOUT_REDIS_URL, masterKey: MASTER_KEY };
    const bundle = await instanceBundle();
    // Each is kept as soon as it is up, so one failing to start still lets the other be stopped.
    await Promise.all(
      Array.from({ length: INSTANCES }, (_, i) =>
        startInstance(bundle, options).then((instance) => {
          instances[i] = instance;
        }),
      ),
    );
    const urls = instances.map((i) => i.url);

    // Listener k takes a contiguous share and sends its j-th device to instance j % INSTANCES.
    const instanceOf = new Map<string, number>();
    const share = Math.ceil(devices / LISTENERS);
    const files = Array.from({ length: LISTENERS }, (_, k) => {
      const mine = seeded.slice(k * share, (k + 1) * share);
      for (const [j, d] of mine.entries()) instanceOf.set(d.id, j % INSTANCES);
      const file = path.join(work, `devices-${k}.json`);
      writeFileSync(file, JSON.stringify(mine.map(({ id, secret }) => ({ id, secret }))));
      return file;
    });

    const idle = await Promise.all(instances.map((i) => i.idle()));
    const received = new Map<string, number>();
    /** Polls answered other than 200, by status (503 while an instance sheds load). */
    const refused: Record<string, number> = {};
    const parkStarted = Date.now();
    listeners.push(...files.map((file) => startListeners(urls, file, received, refused)));
    const waitingNow = async () => (await Promise.all(instances.map((i) => i.stats()))).map((s) => s.waiting);
    let waiting = await waitingNow();
    // On a busy machine parking 20,000 first polls can outlast the budget: past the deadline the
    // signal goes out to whoever is parked, and the others count as late or not served.
    const parkDeadline = Date.now() + PARK_DEADLINE_MS;
    let lastProgress = Date.now();
    while (waiting.reduce((a, b) => a + b, 0) < devices && Date.now() < parkDeadline) {
      await new Promise((r) => setTimeout(r, 100));
      waiting = await waitingNow();
      if (Date.now() - lastProgress > 5_000) {
        lastProgress = Date.now();
        process.stderr.write(`scaleout: ${waiting.join(" + ")} parked, refused ${JSON.stringify(refused)}\n`);
      }
    }
    const parkMs = Date.now() - parkStarted;
    const parked = await Promise.all(instances.map((i) => i.stats()));

    // SCALEOUT_FANOUT_PROF_DIR=dir: each instance profiles the fan-out alone (publish to the last answer).
    const profileDir = process.env.SCALEOUT_FANOUT_PROF_DIR;
    if (profileDir) await Promise.all(instances.map((i) => i.profile()));
    // SCALEOUT_PERF=file.svg: Linux perf samples the whole machine from the publish to the last
    // answer; the result says what share of the two cores each process took, the file is the
    // flame graph (JavaScript named when NODE_OPTIONS=--perf-basic-prof).
    const perfSvg = process.env.SCALEOUT_PERF;
    const perf = perfSvg ? await perfRecord("all", PERF_HZ) : undefined;
    const fanoutFrom = monotonicSeconds();
    const { publishedAt, approvedAt } = await instances[0]!.publish(producer.id);
    await until(() => received.size >= devices, 30_000, "every device to receive the signal").catch(() => {});
    const fanoutTo = monotonicSeconds();
    const perfScript = perf && samplesWithin(await perf.stop(), fanoutFrom, fanoutTo);
    const after = await Promise.all(instances.map((i) => i.stats()));
    if (profileDir)
      await Promise.all(
        instances.map((i, k) => i.profile(path.join(profileDir, `fanout-${k}-${Date.now()}.cpuprofile`))),
      );

    const roleOf = (comm: string, pid: number) => {
      const instance = instances.findIndex((i) => i.pid === pid);
      if (instance >= 0) return `instance ${instance}`;
      const listener = listeners.findIndex((l) => l.pid === pid);
      if (listener >= 0) return `devices ${listener}`;
      if (pid === process.pid) return "bench";
      return comm === "swapper" ? "idle" : comm;
    };
    if (perfSvg && perfScript) {
      const title = `perf, the whole machine from publish to last answer, ${devices} devices`;
      const root = perfFrameTree(perfScript, (header) => {
        const owner = sampleProcess(header);
        return owner ? roleOf(owner.comm, owner.pid) : "?";
      });
      writeFileSync(perfSvg, flameGraphSvg(root, { title, minWidth: 1 }));
    }
    const latencyOf = (which?: number) =>
      [...received]
        .filter(([id]) => which === undefined || instanceOf.get(id) === which)
        .map(([, at]) => at - approvedAt);
    const latency = latencyOf();
    return {
      devices,
      instances: INSTANCES,
      received: received.size,
      p50Ms: percentile(latency, 50),
      p99Ms: percentile(latency, 99),
      maxMs: Math.max(...latency),
      // The first instance approved it; the others heard of it through Redis.
      p99MsByInstance: instances.map((_, i) => percentile(latencyOf(i), 99)),
      // When each instance's first answer arrived: the second's includes hearing of it through Redis.
      firstMsByInstance: instances.map((_, i) => Math.min(...latencyOf(i))),
      receivedByInstance: instances.map((_, i) => latencyOf(i).length),
      publishToApprovalMs: approvedAt - publishedAt,
      parkedByInstance: parked.map((s) => s.waiting),
      parkMs,
      parkTimedOut: parked.reduce((n, s) => n + s.waiting, 0) < devices,
      refused,
      // CPU each instance spent parking its share (signature, nonce, rate limit, park), per poll.
      parkCpuMsPerPoll: parked.map((s, i) => round((s.cpuMs - idle[i]!.cpuMs) / Math.max(1, s.waiting), 3)),
      fanoutCpuMs: after.map((s, i) => s.cpuMs - parked[i]!.cpuMs),
      // What the device processes spent reading the answers (they share the instances' cores).
      listenersFanoutCpuMs: listeners.map((l) => l.fanoutCpuMs()),
      startMs: instances.map((i) => i.startMs),
      rssIdleMb: idle.map((s) => s.rssIdleMb),
      rssParkedMb: parked.map((s) => s.rssMb),
      rssPeakMb: after.map((s) => s.rssPeakMb),
      rssPerParkedPollKb: parked.map((s, i) => round(((s.rssMb - idle[i]!.rssIdleMb) * 1024) / s.waiting, 1)),
      fdLimit: {
        requested: FD_LIMIT,
        instances: after.map((s) => s.fdLimit),
        // As each device process read it of itself (they exit once every device is served).
        listeners: listeners.map((l) => l.fdLimit()),
      },
      loadAvg: os.loadavg().map((l) => round(l, 2)),
      ...(perfScript && { cpuShareDuringFanout: sharesByProcess(perfScript, roleOf) }),
    };
  } finally {
    await Promise.all(listeners.map((l) => l.stop()));
    await Promise.all(instances.filter(Boolean).map((i) => i.stop()));
    rmSync(work, { recursive: true, force: true });
  }
}
