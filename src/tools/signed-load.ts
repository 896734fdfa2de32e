import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { signedHeaders } from "../shared/signing";
import { runNodeForJson } from "./child-json";

/**
 * Load for the signed device API: autocannon in a child process (so it does not share an event
 * loop with the server it measures), signing every request with a fresh nonce as a device must.
 */

export interface SignedLoadOptions {
  url: string;
  /** Devices to sign as, round-robin: a JSON file of [{id, secret}]. */
  devicesFile: string;
  connections: number;
  /** Run for this long, or until `fills` requests were sent. */
  seconds?: number;
  /** "poll": GET /device/poll?wait=0. "fill": one fill per (signal, device) pair of `signalIds`. */
  mode: "poll" | "fill";
  signalIds?: string[];
}

export interface SignedLoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  durationSeconds: number;
  statuses: Record<string, number>;
  errors: number;
}

interface CannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface CannonResult {
  duration: number;
  requests: { total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
}

const SELF = fileURLToPath(import.meta.url);

const POLL_PATH = "/api/v1/device/poll?wait=0";
const FILL_PATH = "/api/v1/device/fill";
/** Enough pre-signed polls for the fastest rate this generator can drive, per second of load. */
const POLLS_PER_SECOND = 20_000;

/**
 * Every request is signed before the load starts (fresh nonces, timestamps well within the
 * skew window), so the generator spends its time sending, not hashing: a real fleet signs on
 * a thousand machines, not in the process measuring the server.
 */
function signer(opts: SignedLoadOptions, devices: { id: string; secret: string }[]) {
  const now = new Date();
  const signals = opts.signalIds ?? [];
  const pairs = signals.length * devices.length;
  const poll = opts.mode === "poll";
  const path = poll ? POLL_PATH : FILL_PATH;
  const method = poll ? "GET" : "POST";
  const make = (i: number) => {
    const device = devices[i % devices.length]!;
    const signalId = signals[Math.floor((i % Math.max(pairs, 1)) / devices.length)];
    const body = poll
      ? ""
      : JSON.stringify({ signalId, price: 1.0851, volume: 0.1, brokerTicket: `T${i % pairs}` });
    const headers = signedHeaders(device.secret, {
      id: device.id,
      idHeader: "x-device-id",
      method,
      pathWithQuery: path,
      body,
      now,
    });
    return body ? { body, headers: { ...headers, "content-type": "application/json" } } : { headers };
  };
  const count = poll ? Math.min(500_000, Math.ceil((opts.seconds ?? 10) * POLLS_PER_SECOND)) : pairs;
  return { path, method, make, prepared: Array.from({ length: count }, (_, i) => make(i)) };
}

function requestsFor(opts: SignedLoadOptions, devices: { id: string; secret: string }[]) {
  const { path, method, make, prepared } = signer(opts, devices);
  let next = 0;
  const statuses: Record<string, number> = {};
  const setupRequest = (req: CannonRequest) => {
    // Past the pre-signed supply, sign on the spot rather than replay a spent nonce.
    const ready = prepared[next] ?? make(next);
    next++;
    return { ...req, ...ready };
  };
  const onResponse = (status: number) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
  };
  return { statuses, requests: [{ method, path, setupRequest, onResponse }] };
}

/** Runs in the child: the load itself. */
async function loadMain(opts: SignedLoadOptions): Promise<SignedLoadResult> {
  const autocannon = createRequire(import.meta.url)("autocannon") as (o: object) => Promise<CannonResult>;
  const devices = JSON.parse(readFileSync(opts.devicesFile, "utf8")) as { id: string; secret: string }[];
  const { statuses, requests } = requestsFor(opts, devices);
  const pairs = (opts.signalIds?.length ?? 0) * devices.length;
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    ...(opts.mode === "fill" ? { amount: pairs } : { duration: opts.seconds }),
    requests,
  });
  return {
    rps: Math.round(result.requests.total / result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    durationSeconds: result.duration,
    statuses,
    errors: result.errors + result.timeouts,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await loadMain(JSON.parse(process.argv[2]!) as SignedLoadOptions);
  process.stdout.write(JSON.stringify(result));
}

export function measureSigned(opts: SignedLoadOptions): Promise<SignedLoadResult> {
  return runNodeForJson<SignedLoadResult>(["--import", "tsx", SELF, JSON.stringify(opts)], "signed load");
}
