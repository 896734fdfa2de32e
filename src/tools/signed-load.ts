import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { signedHeaders } from "../shared/signing";

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

function requestsFor(opts: SignedLoadOptions, devices: { id: string; secret: string }[]) {
  let next = 0;
  const statuses: Record<string, number> = {};
  const sign = (req: CannonRequest, body: string) => ({
    ...req,
    body: body || undefined,
    headers: {
      ...signedHeaders(devices[next % devices.length]!.secret, {
        id: devices[next % devices.length]!.id,
        idHeader: "x-device-id",
        method: req.method,
        pathWithQuery: req.path,
        body,
        now: new Date(),
      }),
      ...(body ? { "content-type": "application/json" } : {}),
    },
  });
  const onResponse = (status: number) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
  };
  if (opts.mode === "poll") {
    const setupRequest = (req: CannonRequest) => {
      next++;
      return sign(req, "");
    };
    return {
      statuses,
      requests: [{ method: "GET", path: "/api/v1/device/poll?wait=0", setupRequest, onResponse }],
    };
  }
  const signals = opts.signalIds ?? [];
  const pairs = signals.length * devices.length;
  const setupRequest = (req: CannonRequest) => {
    const i = next % pairs;
    const signalId = signals[Math.floor(i / devices.length)]!;
    const signed = sign(req, JSON.stringify({ signalId, price: 1.0851, volume: 0.1, brokerTicket: `T${i}` }));
    next++;
    return signed;
  };
  return { statuses, requests: [{ method: "POST", path: "/api/v1/device/fill", setupRequest, onResponse }] };
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
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", SELF, JSON.stringify(opts)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`signed load exited with ${code}: ${err.slice(-500)}`));
      resolve(JSON.parse(out) as SignedLoadResult);
    });
  });
}
