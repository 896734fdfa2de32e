import { Agent, request } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { type IdHeader, signedHeaders } from "../shared/signing";

export interface SignedClientOptions {
  baseUrl: string;
  id: string;
  secret: string;
  idHeader: IdHeader;
  /** Shared by many simulated devices: one keep-alive pool, no socket limit. */
  agent?: Agent;
  signal?: AbortSignal;
}

export interface SignedResponse {
  status: number;
  body: unknown;
}

/**
 * One connection per simulated device, kept open between polls: the default pool keeps only
 * 256 idle sockets and would close (and later reopen) the rest after every fan-out.
 */
export function keepAliveAgent(https = false): Agent {
  const options = {
    keepAlive: true,
    maxSockets: Number.POSITIVE_INFINITY,
    maxFreeSockets: Number.POSITIVE_INFINITY,
  };
  return https ? new HttpsAgent(options) : new Agent(options);
}

/**
 * Sends one signed request the way docs/device-protocol.md describes: the body is serialised
 * once, and those exact bytes are hashed, signed and sent, with a fresh timestamp and nonce.
 */
export function signedRequest(
  opts: SignedClientOptions,
  method: "GET" | "POST",
  path: string,
  payload?: unknown,
  timeoutMs = 45_000,
): Promise<SignedResponse> {
  const url = new URL(
    path.replace(/^\//, ""),
    opts.baseUrl.endsWith("/") ? opts.baseUrl : `${opts.baseUrl}/`,
  );
  const body = payload === undefined ? "" : JSON.stringify(payload);
  const headers: Record<string, string> = {
    ...signedHeaders(opts.secret, {
      id: opts.id,
      idHeader: opts.idHeader,
      method,
      pathWithQuery: url.pathname + url.search,
      body,
      now: new Date(),
    }),
    accept: "application/json",
  };
  if (payload !== undefined) headers["content-type"] = "application/json; charset=utf-8";
  const send = url.protocol === "https:" ? httpsRequest : request;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method, headers, agent: opts.agent, signal: opts.signal, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            // Not JSON (a proxy's error page): hand the text back as it came.
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}
