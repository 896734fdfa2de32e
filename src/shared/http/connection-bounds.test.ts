import type { AddressInfo } from "node:net";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, useTestApp } from "../../../test/support/app";
import { createDeviceOwner } from "../../../test/support/factories";
import { signRequestFor } from "../../../test/support/signed";
import { parseConfig } from "../../config";

/** What a raw client gets back: the bytes the server sent and how many the client managed to send. */
interface Outcome {
  response: string;
  sent: number;
}

/**
 * Sends `head` at once, then `trickle` one byte every `everyMs`, until the server closes the
 * connection (or everything is sent and answered).
 */
function trickle(port: number, head: string, rest: string, everyMs: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, "127.0.0.1");
    let response = "";
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on("data", (chunk) => {
      response += chunk.toString("latin1");
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ response, sent });
    });
    socket.on("connect", () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent >= rest.length || socket.destroyed) return clearInterval(timer);
        socket.write(rest[sent]!);
        sent++;
      }, everyMs);
    });
    setTimeout(() => reject(new Error("the server never closed the connection")), 60_000).unref();
  });
}

describe("server timeouts (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS)", () => {
  let app: TestApp;
  let port: number;

  beforeAll(async () => {
    app = await createTestApp({
      env: {
        HTTP_HEADERS_TIMEOUT_MS: "2000",
        HTTP_REQUEST_TIMEOUT_MS: "4000",
        RATE_LIMIT_IP_PER_MINUTE: "100000",
        RATE_LIMIT_DEVICE_PER_MINUTE: "100000",
      },
    });
    await app.app.listen({ port: 0, host: "127.0.0.1" });
    port = (app.app.server.address() as AddressInfo).port;
  }, 60_000);
  afterAll(() => app?.close());

  it("cuts a body trickled one byte every 3 s with 408, long before it is complete", async () => {
    const body = JSON.stringify({ initData: "x".repeat(40) });
    const head =
      "POST /api/v1/auth/telegram HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
      `Content-Length: ${body.length}\r\n\r\n`;
    const outcome = await trickle(port, head, body, 3_000);
    expect(outcome.response).toMatch(/^HTTP\/1\.1 408 /);
    expect(outcome.sent).toBeLessThan(body.length / 4);
  }, 60_000);

  it("cuts headers trickled one byte every 3 s", async () => {
    const outcome = await trickle(
      port,
      "GET /healthz HTTP/1.1\r\n",
      "Host: localhost\r\nX-Slow: yes\r\n\r\n",
      3_000,
    );
    expect(outcome.response).toMatch(/^HTTP\/1\.1 408 /);
    expect(outcome.sent).toBeLessThan(10);
  }, 60_000);

  it("does not cut a long poll that waits longer than the request timeout", async () => {
    const owner = await createDeviceOwner(app.deps, "vip");
    const url = "/api/v1/device/poll?wait=6";
    const { headers } = signRequestFor(owner.signer, { method: "GET", url }, app.clock);
    const res = await fetch(`http://127.0.0.1:${port}${url}`, { headers });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { signals: unknown[] }).signals).toEqual([]);
  }, 60_000);
});

describe("connection bound settings", () => {
  it("default to 10 s for headers, 30 s for a request, 65 s idle and 10 000 parked polls", () => {
    const config = parseConfig({});
    expect(config.http).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      connectionTimeoutMs: 65_000,
    });
    expect(config.pollMaxParked).toBe(10_000);
  });

  it.each([
    [{ HTTP_HEADERS_TIMEOUT_MS: "20000", HTTP_REQUEST_TIMEOUT_MS: "10000" }, /^HTTP_HEADERS_TIMEOUT_MS: /],
    [{ HTTP_CONNECTION_TIMEOUT_MS: "30000" }, /^HTTP_CONNECTION_TIMEOUT_MS: /],
    [{ POLL_MAX_PARKED: "0" }, /^POLL_MAX_PARKED: /],
  ])("refuses %j with one line naming the variable", (env, message) => {
    expect(() => parseConfig(env)).toThrow(message);
  });
});

describe("parked polls (at most 2 per device, POLL_MAX_PARKED per instance)", () => {
  const ctx = useTestApp({ env: { POLL_MAX_PARKED: "2", RATE_LIMIT_DEVICE_PER_MINUTE: "100000" } });
  const poll = (signer: { id: string; secret: string }, wait: number) => {
    const url = `/api/v1/device/poll?wait=${wait}`;
    const { headers } = signRequestFor(signer, { method: "GET", url }, ctx().clock);
    return ctx().app.inject({ method: "GET", url, headers });
  };

  it("a device's third parked poll answers its oldest at once, empty", async () => {
    const owner = await createDeviceOwner(ctx().deps, "vip");
    const order: string[] = [];
    const settle = (name: string) => (r: Awaited<ReturnType<typeof poll>>) => {
      order.push(name);
      return r;
    };
    const first = poll(owner.signer, 30).then(settle("first"));
    const second = poll(owner.signer, 30).then(settle("second"));
    await expect.poll(() => ctx().deps.delivery.stats().waiting).toBe(2);
    const third = poll(owner.signer, 30);
    const answered = await first;
    expect([answered.statusCode, answered.json().signals, order]).toEqual([200, [], ["first"]]);
    expect(ctx().deps.delivery.stats().waiting).toBe(2);
    ctx().deps.delivery.releaseWaiters();
    expect([(await second).statusCode, (await third).statusCode]).toEqual([200, 200]);
  });

  it("past the instance's cap a poll is refused 503 problem+json with Retry-After", async () => {
    const a = await createDeviceOwner(ctx().deps, "vip");
    const b = await createDeviceOwner(ctx().deps, "vip");
    const parked = [poll(a.signer, 30), poll(a.signer, 30)];
    await expect.poll(() => ctx().deps.delivery.stats().waiting).toBe(2);
    const refused = await poll(b.signer, 30);
    expect(refused.statusCode).toBe(503);
    expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(refused.headers["retry-after"]).toBe("5");
    expect(refused.json().code).toBe("service.overloaded");
    // A poll that does not wait is still answered.
    expect((await poll(b.signer, 0)).statusCode).toBe(200);
    const metric = await ctx().deps.metrics.registry.getSingleMetricAsString("device_polls_total");
    expect(metric).toContain('device_polls_total{result="refused"} 1');
    ctx().deps.delivery.releaseWaiters();
    await Promise.all(parked);
  });
});
