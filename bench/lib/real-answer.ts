import { connect } from "node:net";
import { parseAnswer } from "./raw-load";
import { signedRequestBytes } from "./signed-load";

/** One of the service's answers as it went over the wire, minus the headers Node writes itself. */
export interface RealAnswer {
  status: number;
  headers: [string, string][];
  body: string;
}

/** Written by node:http for any answer (and so by a plain server answering with these bytes). */
const NODE_OWN = new Set(["date", "connection", "keep-alive", "content-length", "transfer-encoding"]);

/**
 * Sends one request signed as `device` to the service at `url` over a raw socket and resolves
 * with its answer: the floors (bench/scaleout-floor.ts, bench/profile.ts floor) answer with the
 * service's own status, headers and body, not a guess at them.
 */
export function signedAnswer(
  url: string,
  device: { id: string; secret: string },
  path: string,
): Promise<RealAnswer> {
  const { host, hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  return new Promise<RealAnswer>((resolve, reject) => {
    let got = Buffer.alloc(0);
    socket.on("error", reject);
    socket.on("data", (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      const answer = parseAnswer(got);
      if (!answer) return;
      socket.destroy();
      const text = got.subarray(0, answer.length).toString("utf8");
      const end = text.indexOf("\r\n\r\n");
      const headers = text
        .slice(0, end)
        .split("\r\n")
        .slice(1)
        .map((line): [string, string] => [
          line.slice(0, line.indexOf(":")).toLowerCase(),
          line.slice(line.indexOf(":") + 1).trim(),
        ])
        .filter(([name]) => !NODE_OWN.has(name));
      resolve({ status: answer.status, headers, body: text.slice(end + 4) });
    });
    socket.write(signedRequestBytes(host, device, { method: "GET", path, body: "" }, new Date()));
  });
}
