/**
 * What this machine allows Node itself for the scale-out fan-out (SPEC §Speed 7,
 * docs/perf/scaleout.md): the burst of bench/scenarios/scaleout.ts (two server processes, each
 * with 10,000 long polls parked on keep-alive sockets from the same two device processes,
 * bench/lib/poll-listeners.ts) answered by plain `node:http` servers, with no framework, no
 * signature check, no database and no Redis, both woken at the same instant. Each answer has the
 * service's own status line, headers and body, copied from a real woken poll first. The result
 * bounds the scenario's p99 from below: the service does all of this and more.
 *
 *   npx tsx bench/scaleout-floor.ts [devicesPerServer]
 *
 * Prints JSON: p50/p99/max from the wake to each device's answer, CPU per server and per
 * answer, and the device processes' CPU from the first answer to the last.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isEntryPoint } from "./lib/child-json";
import { spawnListeners } from "./lib/poll-listeners";
import { type RealAnswer, signedAnswer } from "./lib/real-answer";
import { createBenchProducer, MARKET_BUY, percentile, seedDeviceOwners } from "./lib/relay-fixtures";
import { round, startApp } from "./support";

const SELF = fileURLToPath(import.meta.url);
const MASTER_KEY = "bench-master-key-0123456789abcdefghijklmnop";
const SERVERS = 2;
const LISTENERS = 2;

/** One real woken answer of the service: a device parks, a signal is approved for it. */
async function wokenAnswer(): Promise<RealAnswer> {
  const app = await startApp();
  try {
    const [device] = await seedDeviceOwners(app.database, { count: 1, masterKey: MASTER_KEY });
    await app.deps.delivery.rebuild();
    const answer = signedAnswer(app.url, device!, "/api/v1/device/poll?wait=30");
    while (app.deps.delivery.stats().waiting < 1) await new Promise((r) => setTimeout(r, 10));
    const producer = await createBenchProducer(app.database, MASTER_KEY);
    await app.deps.signals.publish({ kind: "producer", producerId: producer.id }, MARKET_BUY);
    return await answer;
  } finally {
    await app.close();
  }
}

/** A server process: parks every request; on "wake" answers them all with `answer`. */
function serve(answer: RealAnswer): void {
  const parked: { res: ServerResponse; id: string }[] = [];
  let requests = 0;
  const server = createServer((_req, res) => {
    parked.push({ res, id: `req-${++requests}` });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, "127.0.0.1", () => process.send!({ port: (server.address() as AddressInfo).port }));
  let cpuAtWake: NodeJS.CpuUsage | undefined;
  process.on("message", (m: string) => {
    if (m === "parked") process.send!({ parked: parked.length });
    else if (m === "cpu") {
      const spent = process.cpuUsage(cpuAtWake);
      process.send!({ cpuMs: (spent.user + spent.system) / 1000 });
    } else if (m === "wake") {
      cpuAtWake = process.cpuUsage();
      // As the service does: each woken poll resumes in a microtask and writes its answer there.
      for (const p of parked.splice(0)) {
        Promise.resolve(p).then(({ res, id }) => {
          res.writeHead(answer.status, [
            ...answer.headers.flatMap(([k, v]) => [k, k === "x-request-id" ? id : v]),
          ]);
          res.end(answer.body);
        });
      }
    }
  });
}

function ask<T>(child: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once("message", (m) => resolve(m as T));
    child.send(message);
  });
}

async function main(perServer: number): Promise<void> {
  const answer = await wokenAnswer();
  const work = mkdtempSync(path.join(tmpdir(), "sd-scaleout-floor-"));
  const servers: ChildProcess[] = [];
  const listeners: ReturnType<typeof spawnListeners>[] = [];
  try {
    const urls: string[] = [];
    for (let k = 0; k < SERVERS; k++) {
      const child = fork(SELF, ["server", JSON.stringify(answer)], { execArgv: ["--import", "tsx"] });
      servers.push(child);
      const { port } = await new Promise<{ port: number }>((r) =>
        child.once("message", (m) => r(m as never)),
      );
      urls.push(`http://127.0.0.1:${port}`);
    }
    // Device ids and secrets only shape the requests' bytes: these servers check nothing.
    const devices = Array.from({ length: perServer * SERVERS }, (_, i) => ({
      id: `dev_floor_${i}`,
      secret: `secret-${i}`,
    }));
    const received = new Map<string, number>();
    const share = devices.length / LISTENERS;
    for (let k = 0; k < LISTENERS; k++) {
      const file = path.join(work, `devices-${k}.json`);
      writeFileSync(file, JSON.stringify(devices.slice(k * share, (k + 1) * share)));
      const options = { url: urls[0]!, urls, devicesFile: file, waitSeconds: 30, connectPerSecond: 1_500 };
      listeners.push(spawnListeners(options, { received }));
    }
    const parkedNow = async () =>
      (await Promise.all(servers.map((s) => ask<{ parked: number }>(s, "parked")))).reduce(
        (n, s) => n + s.parked,
        0,
      );
    while ((await parkedNow()) < devices.length) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 1_000));
    const wokenAt = Date.now();
    for (const s of servers) s.send("wake");
    const deadline = Date.now() + 30_000;
    while (received.size < devices.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    const cpu = await Promise.all(servers.map((s) => ask<{ cpuMs: number }>(s, "cpu")));
    const latency = [...received.values()].map((at) => at - wokenAt);
    process.stdout.write(
      `${JSON.stringify(
        {
          devices: devices.length,
          servers: SERVERS,
          received: received.size,
          p50Ms: percentile(latency, 50),
          p99Ms: percentile(latency, 99),
          maxMs: Math.max(...latency),
          serverCpuMs: cpu.map((c) => Math.round(c.cpuMs)),
          serverCpuUsPerAnswer: cpu.map((c) => round((c.cpuMs * 1000) / perServer, 1)),
          listenersFanoutCpuMs: listeners.map((l) => l.fanoutCpuMs()),
          answerBytes: Buffer.byteLength(answer.body),
          answerHeaders: answer.headers.map(([k]) => k),
          loadAvg: os.loadavg().map((l) => round(l, 2)),
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await Promise.all(listeners.map((l) => l.stop()));
    for (const s of servers) s.kill("SIGKILL");
    rmSync(work, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) {
  if (process.argv[2] === "server") serve(JSON.parse(process.argv[3]!) as RealAnswer);
  else await main(Number(process.argv[2] ?? 10_000));
}
