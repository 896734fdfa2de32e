import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAnswer, rawLoad, rawRequestBytes } from "./raw-load";

describe("raw load generator", () => {
  let app: FastifyInstance;
  let url: string;
  const seen: string[] = [];

  beforeAll(async () => {
    app = Fastify();
    app.get("/ok", async () => ({ ok: true }));
    app.post("/echo", async (req) => {
      seen.push(JSON.stringify(req.body));
      return req.body;
    });
    app.get("/stream", (_req, reply) => {
      reply.send(Readable.from(["a", "b", "c"]));
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it("sends exactly `amount` requests and counts every answer by status", async () => {
    const host = new URL(url).host;
    const requests = [
      rawRequestBytes(host, { method: "GET", path: "/ok" }),
      rawRequestBytes(host, { method: "GET", path: "/missing" }),
      rawRequestBytes(host, { method: "GET", path: "/stream" }),
      rawRequestBytes(host, {
        method: "POST",
        path: "/echo",
        headers: { "content-type": "application/json" },
        body: '{"n":"é"}',
      }),
    ];
    const answers = new Map<number, number>();
    const result = await rawLoad(
      { url, connections: 3, amount: 40 },
      (i) => requests[i % 4],
      (i, status) => answers.set(i, status),
    );
    // Each answer is matched to the request it answers.
    expect([...answers.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect([...answers].filter(([, status]) => status === 404).every(([i]) => i % 4 === 1)).toBe(true);
    expect(result.sent).toBe(40);
    expect(result.requests).toBe(40);
    expect(result.errors).toBe(0);
    expect(result.statuses).toEqual({ 200: 30, 404: 10 });
    expect(seen).toHaveLength(10);
    expect(new Set(seen)).toEqual(new Set(['{"n":"é"}']));
    expect(result.p99Ms).toBeGreaterThan(0);
  });

  it("stops when the supply ends and when the time is up", async () => {
    const host = new URL(url).host;
    const ok = rawRequestBytes(host, { method: "GET", path: "/ok" });
    const supplied = await rawLoad({ url, connections: 2, amount: 100 }, (i) => (i < 7 ? ok : undefined));
    expect(supplied.requests).toBe(7);
    const timed = await rawLoad({ url, connections: 2, seconds: 0.3 }, () => ok);
    expect(timed.durationSeconds).toBeGreaterThanOrEqual(0.3);
    expect(timed.requests).toBe(timed.sent);
  });

  it("counts a refused connection as an error", async () => {
    const closed = Fastify();
    await closed.listen({ port: 0, host: "127.0.0.1" });
    const port = (closed.server.address() as AddressInfo).port;
    await closed.close();
    const result = await rawLoad({ url: `http://127.0.0.1:${port}`, connections: 2, amount: 5 }, () =>
      Buffer.from("GET / HTTP/1.1\r\n\r\n"),
    );
    expect(result.errors).toBe(2);
    expect(result.requests).toBe(0);
  });

  it("reads an answer only once it is complete", () => {
    const full = Buffer.from("HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello");
    expect(parseAnswer(full.subarray(0, 20))).toBeUndefined();
    expect(parseAnswer(full.subarray(0, full.length - 1))).toBeUndefined();
    expect(parseAnswer(Buffer.concat([full, Buffer.from("HTTP/1.1")]))).toEqual({
      status: 201,
      length: full.length,
    });
    const chunked = Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n");
    expect(parseAnswer(chunked)).toEqual({ status: 200, length: chunked.length });
    expect(parseAnswer(chunked.subarray(0, chunked.length - 2))).toBeUndefined();
  });
});
