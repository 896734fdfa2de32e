import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { isEntryPoint } from "./child-json";
import { openFilesLimit, spawnWithFdLimit } from "./fd-limit";
import { parseAnswer } from "./raw-load";
import { signedRequestBytes } from "./signed-load";

/**
 * Thousands of devices long-polling, each on its own keep-alive socket, recording when a poll
 * answered with a signal: the receiving side of the fan-out benchmark. Five thousand terminals
 * read their answers in parallel on five thousand machines; here one process reads them all,
 * so it does as little per answer as it can (raw sockets, no HTTP client, no JSON parsing) and
 * the latency it reports stays the server's, not the reader's. Prints one JSON line per device
 * that received a signal: {"event":"received","deviceId":…,"at":<epoch ms>}, and one per
 * refused poll: {"event":"refused","deviceId":…,"status":…}; once every device has its signal,
 * {"event":"done","cpuMs":…,"fdLimit":…}: the CPU this process spent from the first signal to the
 * last (it shares the machine with the server it measures) and the open-files limit it ran under.
 */

export interface ListenOptions {
  url: string;
  /**
   * Several instances: device i polls `urls[i % urls.length]`, as a round-robin balancer in
   * front of them would spread them (the scale-out scenario). `url` when absent.
   */
  urls?: string[];
  /** JSON file of [{id, secret}]. */
  devicesFile: string;
  waitSeconds: number;
  /**
   * Devices connecting per second (all at once when absent): thousands of terminals come online
   * over some seconds, not in one instant, and a burst of 10,000 first polls on a shared 2-core
   * machine measures the burst, not the fan-out.
   */
  connectPerSecond?: number;
  /** Which part of the poll answer counts as received: entries (default) or position updates. */
  expect?: "signals" | "updates";
}

function listen(opts: ListenOptions): void {
  const targets = (opts.urls ?? [opts.url]).map((u) => new URL(u));
  const devices = JSON.parse(readFileSync(opts.devicesFile, "utf8")) as { id: string; secret: string }[];
  const path = `/api/v1/device/poll?wait=${opts.waitSeconds}`;
  const EMPTY = Buffer.from(`"${opts.expect ?? "signals"}":[]`);
  const targetOf = (i: number) => targets[i % targets.length]!;
  const pollBytes = (device: { id: string; secret: string }, i: number) =>
    signedRequestBytes(targetOf(i).host, device, { method: "GET", path, body: "" }, new Date());
  const rate = opts.connectPerSecond;
  // Signed up front when they all go out together; signed as each connects when ramped.
  const first = rate ? [] : devices.map(pollBytes);
  devices.forEach((device, i) => {
    if (rate) setTimeout(() => open(device, i), Math.floor((i / rate) * 1_000));
    else open(device, i);
  });

  // The lines go out once per turn of the event loop, not one write (a syscall) per answer: in
  // a fan-out this process reads 10,000 answers on the cores the instances share, and each
  // answer's timestamp is taken when it arrives, not when it is printed.
  let lines: string[] = [];
  const print = (line: string) => {
    if (lines.length === 0) setImmediate(flush);
    lines.push(line);
  };
  let receivedCount = 0;
  let cpuAtFirst: NodeJS.CpuUsage | undefined;
  const onReceived = () => {
    cpuAtFirst ??= process.cpuUsage();
    if (++receivedCount < devices.length) return;
    const spent = process.cpuUsage(cpuAtFirst);
    const cpuMs = Math.round((spent.user + spent.system) / 1000);
    print(`{"event":"done","cpuMs":${cpuMs},"fdLimit":${openFilesLimit()}}\n`);
  };
  function flush() {
    process.stdout.write(lines.join(""));
    lines = [];
  }

  function open(device: { id: string; secret: string }, i: number, reconnect = false) {
    const { hostname, port } = targetOf(i);
    const socket = connect({ host: hostname, port: Number(port), noDelay: true });
    let pending: Buffer = Buffer.alloc(0);
    let failures = 0;
    let received = false;
    // A reconnect signs afresh: the first bytes' nonce was spent if the server read them.
    socket.on("connect", () => socket.write((!reconnect && first[i]) || pollBytes(device, i)));
    socket.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const answer = parseAnswer(pending);
      if (!answer) return;
      const at = Date.now();
      const body = pending.subarray(0, answer.length);
      pending = pending.subarray(answer.length);
      if (answer.status === 200 && body.indexOf(EMPTY) < 0) {
        print(`{"event":"received","deviceId":"${device.id}","at":${at}}\n`);
        received = true;
        onReceived();
        // Closed at once rather than half-closed: the server's FIN then needs no more work here.
        socket.destroy();
        return;
      }
      // Nothing yet (the wait ran out): ask again at once, as a terminal would.
      if (answer.status === 200) {
        failures = 0;
        socket.write(pollBytes(device, i));
        return;
      }
      // Refused (a 503 while an instance sheds load): back off as the EA does
      // (clients/mt5/SignalDesk/Backoff.mqh: 1 s doubling to 60 s), never in a tight loop.
      print(`{"event":"refused","deviceId":"${device.id}","status":${answer.status}}\n`);
      const delayMs = Math.min(60, 2 ** failures) * 1_000;
      failures += 1;
      setTimeout(() => socket.write(pollBytes(device, i)), delayMs);
    });
    socket.on("error", (err) => process.stderr.write(`poll-listeners: ${device.id}: ${err.message}\n`));
    // A connection reset before the answer (a full accept queue on a loaded machine): the
    // terminal connects again a second later, as the EA does, instead of dropping out.
    socket.on("close", () => {
      if (!received) setTimeout(() => open(device, i, true), 1_000);
    });
  }
}

/**
 * Starts a device process (this file) in its own process, its open-files limit raised
 * (fd-limit.ts), and reads its lines as they come: each device's first signal into `received`
 * (device id → when it arrived), refused polls counted by status into `refused`.
 */
export function spawnListeners(
  opts: ListenOptions,
  sinks: { received: Map<string, number>; refused?: Record<string, number> },
) {
  const child = spawnWithFdLimit(
    ["--import", "tsx", fileURLToPath(import.meta.url), JSON.stringify(opts)],
    ["ignore", "pipe", "inherit"],
  );
  let pending = "";
  let done: { cpuMs: number; fdLimit: number | null } | undefined;
  child.stdout?.on("data", (chunk: Buffer) => {
    const lines = (pending + chunk.toString("utf8")).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines.filter(Boolean)) {
      const e = JSON.parse(line) as { event: string; deviceId: string; at: number; status: number } & Done;
      if (e.event === "received" && !sinks.received.has(e.deviceId)) sinks.received.set(e.deviceId, e.at);
      else if (e.event === "refused" && sinks.refused)
        sinks.refused[e.status] = (sinks.refused[e.status] ?? 0) + 1;
      else if (e.event === "done") done = { cpuMs: e.cpuMs, fdLimit: e.fdLimit };
    }
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return {
    /** The device process's id (its shell `exec`s node, so this is node's). */
    pid: child.pid,
    /** CPU the process spent from its first device's signal to its last one's (null until then). */
    fanoutCpuMs: () => done?.cpuMs ?? null,
    /** The open-files limit the process ran under (null until it is done). */
    fdLimit: () => done?.fdLimit ?? null,
    stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

/** The line a device process prints once every device has its signal. */
interface Done {
  cpuMs: number;
  fdLimit: number | null;
}

if (isEntryPoint(import.meta.url)) listen(JSON.parse(process.argv[2]!) as ListenOptions);
