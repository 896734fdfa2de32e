import { connect, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { isEntryPoint, runNodeForJson } from "./child-json";

/**
 * The cheapest HTTP/1.1 load generator we could write: every request is bytes built before
 * the run, written on keep-alive sockets one at a time per connection, and an answer is read
 * only as far as its status line and length. On a two-core machine the generator shares the
 * CPU with the server it measures, so its own cost per request must be small and, above all,
 * the same for the route measured and the bare route it is compared with.
 */

export interface LoadResult {
  /** Answered requests per second of the run. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Answered requests. */
  requests: number;
  /** Written requests, answered or not. */
  sent: number;
  durationSeconds: number;
  statuses: Record<string, number>;
  /** Connections that failed or answers that never came. */
  errors: number;
  /** The generator's own CPU over the run, in % of one core: near 100 means it, not the server, was the limit. */
  clientCpuPct: number;
}

export interface RawLoadOptions {
  url: string;
  connections: number;
  /** Stop sending after this many seconds… */
  seconds?: number;
  /** …or after this many requests (whichever comes first). */
  amount?: number;
  /** An answer later than this after the deadline counts as an error. */
  drainMs?: number;
  /** Requests started per second over all connections (a paced burst); as fast as answered when unset. */
  ratePerSecond?: number;
}

/** The request line and headers (and body) of one request, Host added by the generator. */
export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Serialises one request to the bytes sent on the wire. */
export function rawRequestBytes(host: string, req: RawRequest): Buffer {
  const body = req.body ?? "";
  let head = `${req.method} ${req.path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of Object.entries(req.headers ?? {})) head += `${name}: ${value}\r\n`;
  if (body !== "" || req.method !== "GET") head += `content-length: ${Buffer.byteLength(body)}\r\n`;
  return Buffer.from(`${head}\r\n${body}`);
}

const HEADER_END = Buffer.from("\r\n\r\n");
const CHUNKED_END = Buffer.from("\r\n0\r\n\r\n");

/**
 * Where the answer at the start of `buf` ends and its status, or undefined while incomplete.
 * Answers carry content-length (Fastify's JSON) or are chunked.
 */
export function parseAnswer(buf: Buffer): { status: number; length: number } | undefined {
  const headerEnd = buf.indexOf(HEADER_END);
  if (headerEnd < 0) return undefined;
  const head = buf.toString("latin1", 0, headerEnd).toLowerCase();
  const status = Number(head.slice(9, 12));
  const match = /\r\ncontent-length:\s*(\d+)/.exec(head);
  if (match) {
    const length = headerEnd + 4 + Number(match[1]);
    return buf.length >= length ? { status, length } : undefined;
  }
  if (head.includes("transfer-encoding: chunked")) {
    const end = buf.indexOf(CHUNKED_END, headerEnd);
    return end < 0 ? undefined : { status, length: end + CHUNKED_END.length };
  }
  return { status, length: headerEnd + 4 };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

/**
 * Runs the load: `next(i)` gives the bytes of the i-th request (undefined ends the supply).
 * Latencies are from the write of a request to the last byte of its answer.
 */
export async function rawLoad(
  opts: RawLoadOptions,
  next: (i: number) => Buffer | undefined,
  /** Told of each answer: the index `next` was called with, and the status. */
  onAnswer?: (i: number, status: number) => void,
): Promise<LoadResult> {
  const { hostname, port } = new URL(opts.url);
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  let sent = 0;
  let answered = 0;
  let errors = 0;
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const deadline = opts.seconds === undefined ? Number.POSITIVE_INFINITY : started + opts.seconds * 1000;
  const amount = opts.amount ?? Number.POSITIVE_INFINITY;

  const take = (): { i: number; bytes: Buffer } | undefined => {
    if (sent >= amount || performance.now() >= deadline) return undefined;
    const bytes = next(sent);
    if (!bytes) return undefined;
    return { i: sent++, bytes };
  };

  const runConnection = () =>
    new Promise<void>((resolve) => {
      const socket: Socket = connect({ host: hostname, port: Number(port), noDelay: true });
      let pending: Buffer = Buffer.alloc(0);
      let sentAt = 0;
      let inFlight = -1;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        socket.destroy();
        resolve();
      };
      const send = () => {
        // Paced: the i-th request is not written before its slot, i / rate seconds into the run.
        if (opts.ratePerSecond) {
          const dueIn = started + (sent * 1000) / opts.ratePerSecond - performance.now();
          if (dueIn > 0) return void setTimeout(send, dueIn);
        }
        const request = take();
        if (!request) return finish();
        inFlight = request.i;
        sentAt = performance.now();
        socket.write(request.bytes);
      };
      socket.on("connect", send);
      socket.on("data", (chunk: Buffer) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        const answer = parseAnswer(pending);
        if (!answer) return;
        latencies.push(performance.now() - sentAt);
        answered++;
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        onAnswer?.(inFlight, answer.status);
        pending = pending.subarray(answer.length);
        send();
      });
      socket.on("error", () => {
        errors++;
        finish();
      });
      socket.on("close", finish);
      // An answer that never comes must not hang the run.
      const drain = opts.drainMs ?? 10_000;
      if (Number.isFinite(deadline)) {
        setTimeout(
          () => {
            if (!done) errors++;
            finish();
          },
          deadline - started + drain,
        ).unref();
      }
    });

  await Promise.all(Array.from({ length: opts.connections }, runConnection));
  const durationSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  const clientCpuPct = Math.round((cpu.user + cpu.system) / 1e4 / durationSeconds);
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: Math.round(answered / durationSeconds),
    p50Ms: Math.round(percentile(sorted, 50) * 100) / 100,
    p99Ms: Math.round(percentile(sorted, 99) * 100) / 100,
    requests: answered,
    sent,
    durationSeconds: Math.round(durationSeconds * 100) / 100,
    statuses,
    errors,
    clientCpuPct,
  };
}

export interface RouteLoadOptions {
  /** The route, query included; every request is the same GET. */
  url: string;
  seconds: number;
  connections: number;
  headers?: Record<string, string>;
}

/** One GET route under load for `seconds`, the generator in its own process. */
export function measureRoute(opts: RouteLoadOptions): Promise<LoadResult> {
  return runNodeForJson<LoadResult>(
    ["--import", "tsx", fileURLToPath(import.meta.url), JSON.stringify(opts)],
    "route load",
  );
}

if (isEntryPoint(import.meta.url)) {
  const opts = JSON.parse(process.argv[2]!) as RouteLoadOptions;
  const url = new URL(opts.url);
  const bytes = rawRequestBytes(url.host, {
    method: "GET",
    path: `${url.pathname}${url.search}`,
    headers: opts.headers,
  });
  const result = await rawLoad(
    { url: opts.url, connections: opts.connections, seconds: opts.seconds },
    () => bytes,
  );
  process.stdout.write(JSON.stringify(result));
}
