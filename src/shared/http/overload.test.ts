import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, useTestApp } from "../../../test/support/app";
import { createDeviceOwner } from "../../../test/support/factories";
import { signRequestFor } from "../../../test/support/signed";
import { parseConfig } from "../../config";

describe("overload (@fastify/under-pressure)", () => {
  // Any process uses more than 1 MiB of heap: from the first sample on, it is "overloaded".
  const ctx = useTestApp({ env: { OVERLOAD_MAX_HEAP_USED_MB: "1", OVERLOAD_RETRY_AFTER_SECONDS: "7" } });
  const get = (url: string, headers: Record<string, string> = {}) =>
    ctx().app.inject({ method: "GET", url, headers });

  it("sheds API requests with 503 service.overloaded problem+json and Retry-After", async () => {
    // The plugin samples once a second; until the first sample nothing is shed.
    await expect.poll(async () => (await get("/api/v1/catalog")).statusCode, { timeout: 5_000 }).toBe(503);
    const owner = await createDeviceOwner(ctx().deps, "vip");
    const url = "/api/v1/device/poll?wait=0";
    const signed = signRequestFor(owner.signer, { method: "GET", url }, ctx().clock).headers;
    for (const res of [await get("/api/v1/catalog"), await get("/api/v1/me"), await get(url, signed)]) {
      expect(res.statusCode).toBe(503);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(res.headers["retry-after"]).toBe("7");
      expect(res.json()).toMatchObject({ status: 503, code: "service.overloaded" });
    }
    const metric = await ctx().deps.metrics.registry.getSingleMetricAsString(
      "http_overload_rejections_total",
    );
    expect(metric).toMatch(/http_overload_rejections_total\{reason="heapUsedBytes"\} [1-9]/);
  });

  it("still answers /healthz, /readyz and /metrics", async () => {
    await expect.poll(async () => (await get("/api/v1/catalog")).statusCode, { timeout: 5_000 }).toBe(503);
    expect((await get("/healthz")).json()).toEqual({ status: "ok" });
    expect((await get("/readyz")).statusCode).toBe(200);
    const metrics = await get("/metrics");
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain("http_overload_rejections_total");
  });
});

/** Holds the event loop for `ms`: what a stalled process looks like from inside. */
function stall(ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: no timer, no I/O runs meanwhile
  }
}

describe("overload by event-loop delay, on a listening server", () => {
  let app: TestApp;
  let url: string;

  beforeAll(async () => {
    // 1 ms over the 10 ms resolution: any stall of the loop trips it.
    app = await createTestApp({ env: { OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: "1" } });
    await app.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(() => app?.close());

  it("does not count the start as delay, then sheds a stalled process's requests but health", async () => {
    // Just after ready, a stall is the start's (routes compiled, indexes loaded), not load:
    // the sample taken right after it is not counted.
    stall(1_200);
    expect((await fetch(`${url}/api/v1/catalog`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    stall(1_500);
    const shed = await fetch(`${url}/api/v1/catalog`);
    expect(shed.status).toBe(503);
    expect(shed.headers.get("retry-after")).toBe("10");
    expect(((await shed.json()) as { code: string }).code).toBe("service.overloaded");
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const metric = await app.deps.metrics.registry.getSingleMetricAsString("http_overload_rejections_total");
    expect(metric).toMatch(/http_overload_rejections_total\{reason="eventLoopDelay"\} [1-9]/);
  }, 30_000);
});

describe("overload settings", () => {
  it("default to a 1 s event-loop delay, 90 % of the heap limit, no RSS limit and Retry-After 10", () => {
    expect(parseConfig({}).overload).toEqual({
      maxEventLoopDelayMs: 1_000,
      maxHeapUsedMb: undefined,
      maxRssMb: 0,
      retryAfterSeconds: 10,
    });
    expect(
      parseConfig({ OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: "0", OVERLOAD_MAX_RSS_MB: "2048" }).overload,
    ).toMatchObject({
      maxEventLoopDelayMs: 0,
      maxRssMb: 2048,
    });
  });

  it.each([
    [{ OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: "-1" }, /^OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: /],
    [{ OVERLOAD_MAX_HEAP_USED_MB: "lots" }, /^OVERLOAD_MAX_HEAP_USED_MB: /],
    [{ OVERLOAD_RETRY_AFTER_SECONDS: "0" }, /^OVERLOAD_RETRY_AFTER_SECONDS: /],
  ])("refuses %j with one line naming the variable", (env, message) => {
    expect(() => parseConfig(env)).toThrow(message);
  });
});
