import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { signedHeaders } from "../../src/shared/signing";
import { isEntryPoint, runNodeForJson } from "./child-json";
import { type LoadResult, rawLoad, rawRequestBytes } from "./raw-load";

/**
 * Load for the signed device API: the raw generator (raw-load.ts) in a child process (so it
 * does not share an event loop with the server it measures), every request signed with a fresh
 * nonce as a device must. The bare route it is compared with goes through the same generator.
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

export type SignedLoadResult = LoadResult;

const SELF = fileURLToPath(import.meta.url);

const POLL_PATH = "/api/v1/device/poll?wait=0";
const FILL_PATH = "/api/v1/device/fill";
/** Enough pre-signed polls for the fastest rate this generator can drive, per second of load. */
const POLLS_PER_SECOND = 20_000;

/** The bytes of one request signed as `device` would sign it (a fresh nonce each time). */
export function signedRequestBytes(
  host: string,
  device: { id: string; secret: string },
  req: { method: "GET" | "POST"; path: string; body: string },
  now: Date,
): Buffer {
  const headers = signedHeaders(device.secret, {
    id: device.id,
    idHeader: "x-device-id",
    method: req.method,
    pathWithQuery: req.path,
    body: req.body,
    now,
  });
  return rawRequestBytes(host, {
    ...req,
    headers: req.body ? { ...headers, "content-type": "application/json" } : headers,
  });
}

/**
 * Every request is signed before the load starts (fresh nonces, timestamps well within the
 * skew window), so the generator spends its time sending, not hashing: a real fleet signs on
 * a thousand machines, not in the process measuring the server.
 */
function signer(opts: SignedLoadOptions, devices: { id: string; secret: string }[]) {
  const host = new URL(opts.url).host;
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
    return signedRequestBytes(host, device, { method, path, body }, now);
  };
  const count = poll ? Math.min(500_000, Math.ceil((opts.seconds ?? 10) * POLLS_PER_SECOND)) : pairs;
  return { make, prepared: Array.from({ length: count }, (_, i) => make(i)), pairs };
}

/** Runs in the child: the load itself. */
async function loadMain(opts: SignedLoadOptions): Promise<SignedLoadResult> {
  const devices = JSON.parse(readFileSync(opts.devicesFile, "utf8")) as { id: string; secret: string }[];
  const { make, prepared, pairs } = signer(opts, devices);
  const run = opts.mode === "fill" ? { amount: pairs } : { seconds: opts.seconds };
  // Past the pre-signed supply, sign on the spot rather than replay a spent nonce.
  return rawLoad({ url: opts.url, connections: opts.connections, ...run }, (i) => prepared[i] ?? make(i));
}

if (isEntryPoint(import.meta.url)) {
  const result = await loadMain(JSON.parse(process.argv[2]!) as SignedLoadOptions);
  process.stdout.write(JSON.stringify(result));
}

export function measureSigned(opts: SignedLoadOptions): Promise<SignedLoadResult> {
  return runNodeForJson<SignedLoadResult>(["--import", "tsx", SELF, JSON.stringify(opts)], "signed load");
}
