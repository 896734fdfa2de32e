import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { isEntryPoint } from "./child-json";
import { parseAnswer } from "./raw-load";
import { signedRequestBytes } from "./signed-load";

/**
 * Thousands of devices long-polling, each on its own keep-alive socket, recording when a poll
 * answered with a signal: the receiving side of the fan-out benchmark. Five thousand terminals
 * read their answers in parallel on five thousand machines; here one process reads them all,
 * so it does as little per answer as it can (raw sockets, no HTTP client, no JSON parsing) and
 * the latency it reports stays the server's, not the reader's. Prints one JSON line per device
 * that received a signal: {"event":"received","deviceId":…,"at":<epoch ms>}.
 */

export interface ListenOptions {
  url: string;
  /** JSON file of [{id, secret}]. */
  devicesFile: string;
  waitSeconds: number;
  /** Which part of the poll answer counts as received: entries (default) or position updates. */
  expect?: "signals" | "updates";
}

function listen(opts: ListenOptions): void {
  const { hostname, port, host } = new URL(opts.url);
  const devices = JSON.parse(readFileSync(opts.devicesFile, "utf8")) as { id: string; secret: string }[];
  const path = `/api/v1/device/poll?wait=${opts.waitSeconds}`;
  const EMPTY = Buffer.from(`"${opts.expect ?? "signals"}":[]`);
  const pollBytes = (device: { id: string; secret: string }) =>
    signedRequestBytes(host, device, { method: "GET", path, body: "" }, new Date());
  // Signed up front, so the first polls go out together.
  const first = devices.map(pollBytes);
  devices.forEach((device, i) => {
    const socket = connect({ host: hostname, port: Number(port), noDelay: true });
    let pending: Buffer = Buffer.alloc(0);
    socket.on("connect", () => socket.write(first[i]!));
    socket.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const answer = parseAnswer(pending);
      if (!answer) return;
      const at = Date.now();
      const body = pending.subarray(0, answer.length);
      pending = pending.subarray(answer.length);
      if (answer.status === 200 && body.indexOf(EMPTY) < 0) {
        process.stdout.write(`{"event":"received","deviceId":"${device.id}","at":${at}}\n`);
        socket.end();
        return;
      }
      // Nothing yet (the wait ran out) or refused: ask again, as a terminal would.
      if (answer.status !== 200) process.stderr.write(`poll-listeners: ${device.id} got ${answer.status}\n`);
      socket.write(pollBytes(device));
    });
    socket.on("error", (err) => process.stderr.write(`poll-listeners: ${device.id}: ${err.message}\n`));
  });
}

if (isEntryPoint(import.meta.url)) listen(JSON.parse(process.argv[2]!) as ListenOptions);
