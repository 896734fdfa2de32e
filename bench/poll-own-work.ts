/**
 * The signed empty poll's own work, without a socket (docs/perf/poll-profile.md "Budget"): the
 * app's HTTP request listener, as `signaldesk start` installs it (the early answer in front of
 * Fastify), called in a loop with pre-signed requests for 1,000 devices, and beside it the
 * signature check alone and one HMAC-SHA256. Prints µs per call:
 *
 * - `answer, stub response`: everything the service does for a poll (device, budget, signature,
 *   nonce, counters, last-seen, the answer's body and headers) with a response that only keeps
 *   what it is given: the service's own work;
 * - `answer, node response`: the same with Node's ServerResponse (no socket), which adds the
 *   header checks and the head's serialization that the floor pays too.
 *
 * A loop keeps code and data hot, so these are lower bounds of what the same work costs between
 * socket reads and writes under load.
 *
 *   npx tsx bench/poll-own-work.ts [calls]
 */
import { createHmac } from "node:crypto";
import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { systemClock } from "../src/shared/clock";
import { memoryNonceStore, signedHeaders, verifySignature } from "../src/shared/signing";
import { seedDeviceOwners } from "./lib/relay-fixtures";
import { startApp } from "./support";

const MASTER_KEY = "bench-master-key-0123456789abcdefghijklmnop";
const TARGET = "/api/v1/device/poll?wait=0";
const WARM_UP = 20_000;
const calls = Number(process.argv[2] ?? 200_000);

const bench = await startApp();
try {
  const devices = await seedDeviceOwners(bench.database, { count: 1_000, masterKey: MASTER_KEY });
  await bench.deps.delivery.rebuild();
  // A nonce is spent once: each loop below gets polls of its own.
  const signedPolls = () => {
    const now = new Date();
    return Array.from({ length: calls + WARM_UP }, (_, i) => {
      const device = devices[i % devices.length]!;
      const headers = signedHeaders(device.secret, {
        id: device.id,
        idHeader: "x-device-id",
        method: "GET",
        pathWithQuery: TARGET,
        body: "",
        now,
      });
      return {
        secret: device.secret,
        headers: { host: "127.0.0.1", "user-agent": "bench", ...headers } as Record<string, string>,
      };
    });
  };
  const polls = [signedPolls(), signedPolls(), signedPolls()];
  // Signing blocked the event loop for a while: let the overload guard see it idle again, or it
  // would send the polls to the route's 503.
  await sleep(2_000);
  const listener = bench.app.server.listeners("request")[0] as (
    req: IncomingMessage,
    res: ServerResponse,
  ) => void;

  const perCall = (name: string, call: (i: number) => void) => {
    for (let i = 0; i < WARM_UP; i++) call(i);
    const started = performance.now();
    for (let i = WARM_UP; i < WARM_UP + calls; i++) call(i);
    console.log(
      `${name.padEnd(34)} ${(((performance.now() - started) * 1000) / calls).toFixed(2)} µs per call`,
    );
  };
  // One socket for every request: making one per call would be measured with the answer.
  const socket = new Socket();
  const requestOf = (signed: (typeof polls)[0], i: number) => {
    const req = new IncomingMessage(socket);
    req.method = "GET";
    req.url = TARGET;
    req.headers = signed[i]!.headers;
    return req;
  };
  let bytes = 0;
  const stub = {
    headersSent: false,
    writeHead: (_status: number, headers: string[]) => {
      bytes += headers.length;
    },
    end: (body: string) => {
      bytes += body.length;
    },
  } as unknown as ServerResponse;
  perCall("answer, stub response", (i) => listener(requestOf(polls[0]!, i), stub));
  // Every call answered early, or the figure above is Fastify's route and not the early answer.
  if (bytes < calls) throw new Error("the polls were not answered before routing");
  perCall("answer, node response (no socket)", (i) => {
    const req = requestOf(polls[1]!, i);
    const res = new ServerResponse(req);
    listener(req, res);
    if (res.statusCode !== 200 || !res.headersSent)
      throw new Error(`poll ${i} not answered: ${res.statusCode}`);
  });
  const nonces = memoryNonceStore({ clock: systemClock });
  perCall("signature check (verifySignature)", (i) => {
    const { secret, headers } = polls[2]![i]!;
    const check = verifySignature({
      idHeader: "x-device-id",
      headers,
      method: "GET",
      pathWithQuery: TARGET,
      body: "",
      lookupSecret: () => secret,
      clock: systemClock,
      nonces,
    });
    if (check instanceof Promise || !check.ok) throw new Error(`signature ${i} refused`);
  });
  perCall("one HMAC-SHA256 (createHmac)", (i) => {
    const { secret, headers } = polls[0]![i]!;
    createHmac("sha256", secret).update(headers["x-nonce"]!).digest("hex");
  });
} finally {
  await bench.close();
}
