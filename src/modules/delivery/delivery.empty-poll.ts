import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "../../shared/clock";
import { writeJsonAnswer } from "../../shared/http/before-routing";
import type { MemoryRateLimit } from "../../shared/http/rate-limit-window";
import type { Counter, Metrics } from "../../shared/metrics";
import { type NonceStore, verifySignature } from "../../shared/signing";
import type { DevicesService } from "../devices/devices.service";
import { pollBody } from "./delivery.routes";
import type { DeliveryService } from "./delivery.service";
import { EMPTY_ANSWER } from "./delivery.waiters";

/** The one request this path answers, byte for byte: what a device sends to ask "anything now?". */
const EMPTY_POLL_TARGET = "/api/v1/device/poll?wait=0";
/** The route it stands in for, as the HTTP metrics name it. */
const POLL_ROUTE = "/api/v1/device/poll";
const EMPTY = { result: "empty" } as const;

export interface EmptyPollDeps {
  delivery: Pick<DeliveryService, "answersEmptyAtOnce" | "lookupSecret" | "settingsOf">;
  devices: Pick<DevicesService, "touch">;
  /** The memory nonce store, which answers at once: this path is installed only without Redis. */
  nonces: NonceStore;
  /** The rate limits' memory count, the one the route's hooks count in. */
  limits: MemoryRateLimit;
  clock: Clock;
  /** The poll route's security headers (SIGNED_POLL_POLICY), by lower-case name. */
  securityHeaders: Record<string, string>;
  polls: Counter<"result">;
  metrics: Pick<Metrics, "http">;
  /** False while the request must go through the app: closing, overloaded, or logging requests. */
  open: () => boolean;
}

/**
 * The signed empty poll, answered before Fastify routes it (SPEC §Speed 1: ≥ 0.5 × a bare
 * Fastify route; issue 18, docs/perf/poll-profile.md "Third round"). A device that asks
 * without waiting (`wait=0`: the EA with its poll wait set to 0, or a client checking at once)
 * almost always finds nothing due: that request is answered here,
 * with the same checks, counts and bytes as the route in delivery.routes.ts, and anything else
 * (another query, a missing or bad signature, a replayed nonce, a spent budget, something due,
 * an owner whose access must be read, a closing or overloaded server, request logging on) goes
 * to Fastify untouched, which answers it as before (401, 429, 503, the signals).
 *
 * Nothing is spent before the request is known to be answered here: the budget and the answer
 * are looked at first, then the signature is checked (which spends the nonce only when it
 * holds), and only then counted. What it saves, in the server's CPU per answered poll
 * (`bench/profile.ts poll`, PROFILE=0, five alternated pairs at load 5–9 on the 2 cores):
 * 78 → 57 µs averaged, the bare route 25 µs. That is Fastify's per-request work for this route:
 * routing, the request and reply objects, eight hooks (request id, security headers, overload
 * guard, two rate-limit hooks, signing headers, signature, HTTP metrics; each reading the
 * route's options anew), the query's zod validation, the async handler's promises, and the
 * reply's header and send pipeline. What remains is the signature (~20 µs: HMAC, header
 * patterns, nonce Map), Node's HTTP parser and writer, and the socket write.
 */
export function emptyPollAnswerer(deps: EmptyPollDeps) {
  const securityLines = Object.entries(deps.securityHeaders).flat();
  const secretOf = (id: string) => {
    const secret = deps.delivery.lookupSecret(id);
    // Never a promise here: the device is in the index (answersEmptyAtOnce said so).
    return typeof secret === "string" ? secret : null;
  };

  /** True when the request was answered; false hands it, untouched, to the app. */
  return function answerEmptyPoll(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.url !== EMPTY_POLL_TARGET || req.method !== "GET" || !deps.open()) return false;
    const started = performance.now();
    const id = req.headers["x-device-id"];
    if (typeof id !== "string" || !deps.delivery.answersEmptyAtOnce(id)) return false;
    // The route counts a request that also names a producer as the producer's (signerKey).
    if (req.headers["x-producer-id"] !== undefined) return false;
    const principal = `device:${id}`;
    if (!deps.limits.hasRoom(principal)) return false;
    const check = verifySignature({
      idHeader: "x-device-id",
      headers: req.headers,
      method: "GET",
      pathWithQuery: EMPTY_POLL_TARGET,
      body: "",
      lookupSecret: secretOf,
      clock: deps.clock,
      nonces: deps.nonces,
    });
    // Not a promise either (memory secret and nonce store). A refused signature spent nothing:
    // the route checks it again and answers the 401, with its log line.
    if (check instanceof Promise || !check.ok) return false;

    const window = deps.limits.count(principal);
    deps.devices.touch(id);
    deps.polls.inc(EMPTY);
    const body = pollBody(deps.clock.now().toISOString(), EMPTY_ANSWER, deps.delivery.settingsOf(id));
    writeJsonAnswer(req, res, { securityLines, window, body });
    deps.metrics.http.record("GET", POLL_ROUTE, 200, (performance.now() - started) / 1000);
    return true;
  };
}
