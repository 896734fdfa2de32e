/**
 * Where the server's CPU goes under one scenario's load (docs/perf/poll-profile.md's method):
 * the app as bench/support.ts starts it, the load generator in its own process, V8's sampling
 * profiler (200 µs) in the server for the measured run after a warm-up. Prints the busy time per
 * answered request (busy samples × interval / answers), the server's CPU per answer
 * (process.cpuUsage, profiler included), self time by kind of work, the top functions, and the
 * inclusive time of the app's own functions; with `out`, writes the .cpuprofile and its flame graph
 * (the same name, .svg; bench/lib/flame-graph.ts).
 *
 *   npx tsx bench/profile.ts poll|quotes|bare|floor [seconds] [out.cpuprofile]
 *
 * `floor` is the signed poll's load against a plain node:http server that checks nothing and
 * answers every request with the service's own empty-poll answer (status, headers, body copied
 * from a real one): what Node itself costs per answer for the poll's request and answer bytes,
 * between the bare route (`bare`) and the service (`poll`).
 *
 * With PROFILE=0 the sampler stays off and only the CPU per answer is printed: the figure to
 * compare two versions by, back to back (the sampler's own cost inflates it several times).
 *
 * With PERF=1, Linux perf samples the server instead (kernel and Node's C++ included; V8's
 * sampler is biased towards system calls) and `out` names its flame graph:
 *
 *   PERF=1 NODE_OPTIONS=--perf-basic-prof npx tsx bench/profile.ts poll 6 docs/perf/flame/poll.svg
 */
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { Session } from "node:inspector/promises";
import type { AddressInfo } from "node:net";
import os, { tmpdir } from "node:os";
import path from "node:path";
import {
  type CpuProfileNode,
  type Frame,
  flameGraphSvg,
  frameTree,
  inclusiveShares,
  isServerWork,
  perfFrameTree,
  selfShareByKind,
  selfShares,
} from "./lib/flame-graph";
import { perfRecord } from "./lib/perf";
import { signedAnswer } from "./lib/real-answer";
import { seedDeviceOwners } from "./lib/relay-fixtures";
import { measureSigned } from "./lib/signed-load";
import { type LoadResult, measure, startApp, startBaseline } from "./support";

const MASTER_KEY = "bench-master-key-0123456789abcdefghijklmnop";
const INTERVAL_US = 200;

/** The kinds of work the perf notes group self time by (first match wins). */
const KINDS: [string, (fn: string, url: string) => boolean][] = [
  [
    "socket writes (writev/write syscall)",
    (fn) => fn === "writev" || fn === "writeUtf8String" || fn === "writeBuffer",
  ],
  ["garbage collector", (fn) => fn === "(garbage collector)"],
  [
    "signature check, nonce store, HMAC",
    (fn, url) =>
      url.includes("signing.ts") ||
      /^(init|Hmac|update|digest|timingSafeEqual)$/.test(fn) ||
      url.includes("internal/crypto"),
  ],
  ["rate limits", (_fn, url) => url.includes("rate-limit")],
  ["HTTP metrics, prom-client", (_fn, url) => url.includes("metrics.ts") || url.includes("prom-client")],
  ["security headers", (_fn, url) => url.includes("security-headers")],
  ["zod", (_fn, url) => url.includes("/zod/") || url.includes("type-provider-zod")],
  ["under-pressure", (_fn, url) => url.includes("under-pressure")],
  ["app code (src/)", (_fn, url) => url.includes("/src/")],
  [
    "fastify core",
    (_fn, url) =>
      url.includes("/fastify/") ||
      url.includes("find-my-way") ||
      url.includes("light-my-request") ||
      url.includes("avvio"),
  ],
  ["node http, net, streams, events", (_fn, url) => url.startsWith("node:")],
  ["other native / microtasks", (_fn, url) => url === ""],
];

/** What V8's sampler saw: busy time per answer, self time by kind and by function, the app's and Fastify's functions inclusive. */
function analyse(nodes: CpuProfileNode[], root: Frame, answers: number) {
  const kinds = new Map<string, number>();
  for (const node of nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0 || !isServerWork(node)) continue;
    const kind =
      KINDS.find(([, test]) => test(node.callFrame.functionName, node.callFrame.url))?.[0] ?? "other";
    kinds.set(kind, (kinds.get(kind) ?? 0) + (100 * hits) / root.samples);
  }
  const pct = (share: number) => share.toFixed(1).padStart(5);
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
  console.log(
    `busy samples ${root.samples}, answers ${answers}, busy µs per answer ${((root.samples * INTERVAL_US) / answers).toFixed(1)}`,
  );
  console.log("\n-- self time by kind, % of busy");
  for (const [kind, share] of top(kinds, 20)) console.log(`${pct(share)}  ${kind}`);
  console.log("\n-- top functions, self % of busy");
  for (const [fn, share] of top(
    selfShares(root, (f) => f.name),
    40,
  ))
    console.log(`${pct(share)}  ${fn}`);
  console.log("\n-- app and fastify functions, inclusive % of busy");
  const appOrFastify = inclusiveShares(root, (f) => / (src|node_modules\/fastify\/lib)\//.test(f.name));
  for (const [fn, share] of top(appOrFastify, 45)) console.log(`${pct(share)}  ${fn}`);
}

const PERF_HZ = 4_000;

/** What perf saw: CPU per answer, self time by kind, and the app's functions inclusive. */
function analysePerf(root: Frame, answers: number) {
  const pct = (n: number) => n.toFixed(1).padStart(5);
  console.log(
    `perf: ${root.samples} samples, ${((root.samples * 1e6) / PERF_HZ / answers).toFixed(1)} µs per answer`,
  );
  console.log("\n-- self time by kind (perf), % of samples");
  for (const [kind, share] of [...selfShareByKind(root)].sort((a, b) => b[1] - a[1]))
    console.log(`${pct(share)}  ${kind}`);
  console.log("\n-- app functions and the socket write, inclusive % of samples (perf)");
  const shares = inclusiveShares(
    root,
    (f) => f.kind === "app" || /^(__GI___writev|tcp_sendmsg)$/.test(f.name),
  );
  for (const [name, share] of [...shares].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`${pct(share)}  ${name}`);
}

const [scenario = "poll", secondsArg = "8", out] = process.argv.slice(2);
const seconds = Number(secondsArg);
const app = await startApp();
const baseline = await startBaseline();
let closePlain = async () => {};
try {
  let load: (s: number) => Promise<LoadResult>;
  if (scenario === "poll") {
    const devices = await seedDeviceOwners(app.database, { count: 1_000, masterKey: MASTER_KEY });
    await app.deps.delivery.rebuild();
    const devicesFile = path.join(tmpdir(), `sd-profile-poll-${process.pid}.json`);
    writeFileSync(devicesFile, JSON.stringify(devices.map(({ id, secret }) => ({ id, secret }))));
    load = (s) => measureSigned({ url: app.url, devicesFile, connections: 10, mode: "poll", seconds: s });
  } else if (scenario === "floor") {
    const devices = await seedDeviceOwners(app.database, { count: 1_000, masterKey: MASTER_KEY });
    await app.deps.delivery.rebuild();
    const answer = await signedAnswer(app.url, devices[0]!, "/api/v1/device/poll?wait=0");
    const head = answer.headers.flat();
    const plain = createServer((_req, res) => {
      res.writeHead(answer.status, head);
      res.end(answer.body);
    });
    await new Promise<void>((r) => plain.listen(0, "127.0.0.1", r));
    closePlain = () => new Promise((r) => plain.close(() => r()));
    const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    const devicesFile = path.join(tmpdir(), `sd-profile-floor-${process.pid}.json`);
    writeFileSync(devicesFile, JSON.stringify(devices.map(({ id, secret }) => ({ id, secret }))));
    load = (s) => measureSigned({ url, devicesFile, connections: 10, mode: "poll", seconds: s });
  } else if (scenario === "quotes") {
    const tier = (await app.deps.catalog.view()).categories[0]!.products[0]!.tiers[0]!;
    const url = `${app.url}/api/v1/quotes?tierId=${tier.id}&months=12&region=EU`;
    load = (s) => measure(url, { seconds: s, connections: 10 });
  } else {
    load = (s) => measure(baseline.url, { seconds: s, connections: 10 });
  }
  await load(2);
  const usePerf = process.env.PERF === "1";
  // One profiler at a time: V8's sampler interrupts the thread perf is timing.
  const profiling = process.env.PROFILE !== "0" && !usePerf;
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: INTERVAL_US });
  const load0 = os.loadavg()[0]!.toFixed(2);
  if (profiling) await session.post("Profiler.start");
  console.error(`measuring in ${process.pid}`);
  const cpu0 = process.cpuUsage();
  const perf = usePerf ? await perfRecord({ pid: process.pid }, PERF_HZ) : undefined;
  const result = await load(seconds);
  const cpu = process.cpuUsage(cpu0);
  const profile = profiling ? (await session.post("Profiler.stop")).profile : undefined;
  session.disconnect();
  console.log(
    `${scenario}: ${result.rps} rps, p99 ${result.p99Ms} ms, statuses ${JSON.stringify(result.statuses)}, client CPU ${result.clientCpuPct} %, load ${load0} → ${os.loadavg()[0]!.toFixed(2)}`,
  );
  console.log(
    `server CPU per answer (profiler ${profiling ? "on" : "off"}): ${((cpu.user + cpu.system) / result.requests).toFixed(1)} µs (user ${(cpu.user / result.requests).toFixed(1)}, system ${(cpu.system / result.requests).toFixed(1)})`,
  );
  const title = `${scenario}: ${result.rps} answers/s, ${result.requests} answers in ${seconds} s`;
  if (profile) {
    const { nodes } = profile as unknown as { nodes: CpuProfileNode[] };
    const root = frameTree(nodes);
    if (out) {
      writeFileSync(out, JSON.stringify(profile));
      writeFileSync(
        out.replace(/(\.cpuprofile)?$/, ".svg"),
        flameGraphSvg(root, { title: `V8 sampler, ${title}` }),
      );
    }
    analyse(nodes, root, result.requests);
  }
  if (perf) {
    const root = perfFrameTree(await perf.stop());
    analysePerf(root, result.requests);
    if (out)
      writeFileSync(
        out.replace(/(\.cpuprofile|\.svg)?$/, ".svg"),
        flameGraphSvg(root, { title: `perf, ${title}` }),
      );
  }
} finally {
  await closePlain();
  await baseline.close();
  await app.close();
}
