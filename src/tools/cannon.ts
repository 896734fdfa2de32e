import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/**
 * The autocannon run both request generators share (signed device load, Telegram updates):
 * requests built one by one by `setupRequest`, every answer's status counted, and the figures
 * a scenario reports. Meant to run in a child process (see child-json.ts).
 */

export interface CannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** What autocannon keeps between `setupRequest` and `onResponse` of one request. */
export type CannonContext = Record<string, unknown>;

export interface CannonSpec {
  method: string;
  path: string;
  setupRequest(req: CannonRequest, context: CannonContext): CannonRequest;
  onResponse?(status: number, body: string, context: CannonContext): void;
}

export interface CannonResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Answered requests. */
  requests: number;
  /** Written requests, answered or not. */
  sent: number;
  durationSeconds: number;
  statuses: Record<string, number>;
  errors: number;
}

interface AutocannonResult {
  duration: number;
  requests: { total: number; sent: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
}

/** Runs for `seconds`, or until `amount` requests were answered. */
export async function cannon(
  opts: { url: string; connections: number; seconds?: number; amount?: number },
  spec: CannonSpec,
): Promise<CannonResult> {
  const autocannon = createRequire(import.meta.url)("autocannon") as (o: object) => Promise<AutocannonResult>;
  const statuses: Record<string, number> = {};
  const onResponse = (status: number, body: string, context: CannonContext) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    spec.onResponse?.(status, body, context);
  };
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    ...(opts.amount !== undefined ? { amount: opts.amount } : { duration: opts.seconds }),
    requests: [{ ...spec, onResponse }],
  });
  return {
    rps: Math.round(result.requests.total / result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    sent: result.requests.sent,
    durationSeconds: result.duration,
    statuses,
    errors: result.errors + result.timeouts,
  };
}

/** True when the module at `moduleUrl` is the script node was started with. */
export const isEntryPoint = (moduleUrl: string): boolean =>
  Boolean(process.argv[1]) && moduleUrl === pathToFileURL(process.argv[1]!).href;
