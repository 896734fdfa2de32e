import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../config";
import { ManualClock } from "../../shared/clock";
import { DEFAULT_PRICING } from "./pricing.models";
import {
  checkPlausible,
  createRateProvider,
  deviationPct,
  isAllowedRateSourceUrl,
  type RateFailureReason,
} from "./pricing.rates";

/** A loopback rate source whose next answer each test sets. */
let server: Server;
let base = "";
let answer: (res: import("node:http").ServerResponse) => void;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/target") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ base: "GBP", rates: { USD: 1.25, EUR: 1.15, SGD: 1.7 } }));
      return;
    }
    answer(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let warnings: Record<string, unknown>[];
let failures: RateFailureReason[];
beforeEach(() => {
  warnings = [];
  failures = [];
});

const provider = (over: { maxDeviationPct?: number; maxBytes?: number } = {}) =>
  createRateProvider({
    settings: DEFAULT_PRICING,
    source: { url: `${base}/rates` },
    clock: new ManualClock(),
    logger: { warn: (details) => warnings.push(details) },
    onFailure: (reason) => failures.push(reason),
    ...over,
  });

const rates = (r: Record<string, number>) => (res: import("node:http").ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ base: "GBP", rates: r }));
};

describe("the FX rate source is guarded", () => {
  it("accepts https anywhere and plain http only to this machine", () => {
    expect(isAllowedRateSourceUrl("https://rates.example.com/gbp")).toBe(true);
    expect(isAllowedRateSourceUrl("http://127.0.0.1:9000/rates")).toBe(true);
    expect(isAllowedRateSourceUrl("http://localhost/rates")).toBe(true);
    expect(isAllowedRateSourceUrl("http://[::1]:8080/rates")).toBe(true);
    expect(isAllowedRateSourceUrl("http://rates.example.com/gbp")).toBe(false);
    expect(isAllowedRateSourceUrl("http://127.0.0.1.evil.example/rates")).toBe(false);
    expect(isAllowedRateSourceUrl("ftp://rates.example.com")).toBe(false);
    expect(isAllowedRateSourceUrl("not a url")).toBe(false);
  });

  it("refuses to start with a plain-http rate source on another host, naming the variable", () => {
    expect(() => parseConfig({ FX_RATE_SOURCE_URL: "http://rates.example.com/gbp" })).toThrow(
      /FX_RATE_SOURCE_URL/,
    );
    expect(parseConfig({ FX_RATE_SOURCE_URL: "https://rates.example.com/gbp" }).pricing).toMatchObject({
      fxRateSourceUrl: "https://rates.example.com/gbp",
      fxMaxDeviationPct: 25,
    });
    expect(parseConfig({ FX_MAX_DEVIATION_PCT: "10" }).pricing.fxMaxDeviationPct).toBe(10);
    expect(() =>
      createRateProvider({
        settings: DEFAULT_PRICING,
        source: { url: "http://x.example/r" },
        clock: new ManualClock(),
      }),
    ).toThrow(/https/);
  });

  it("rejects a near-zero rate, keeps the configured rates, logs and counts it", async () => {
    answer = rates({ USD: 0.00000001, EUR: 1.17, SGD: 1.71 });
    const snapshot = await provider().ratesNow();
    expect(snapshot).toMatchObject({ source: "configured", rates: { USD: "1.27" } });
    expect(failures).toEqual(["implausible"]);
    expect(String(warnings[0]?.reason)).toMatch(/USD 0\.00000001 is .* % from the configured 1\.27/);
  });

  it("keeps the last good rates when a later refresh is implausible", async () => {
    const clock = new ManualClock();
    const p = createRateProvider({
      settings: DEFAULT_PRICING,
      source: { url: `${base}/rates` },
      clock,
      onFailure: (reason) => failures.push(reason),
    });
    answer = rates({ USD: 1.25, EUR: 1.15, SGD: 1.7 });
    expect((await p.ratesNow()).source).toBe("live");
    clock.advance(300_000);
    answer = rates({ USD: 12.5, EUR: 1.15, SGD: 1.7 });
    expect(await p.ratesNow()).toMatchObject({ source: "last_good", rates: { USD: "1.25" } });
    expect(failures).toEqual(["implausible"]);
  });

  it("honours a configured deviation bound", async () => {
    answer = rates({ USD: 1.5, EUR: 1.17, SGD: 1.71 });
    expect((await provider({ maxDeviationPct: 10 }).ratesNow()).source).toBe("configured");
    expect((await provider({ maxDeviationPct: 25 }).ratesNow()).source).toBe("live");
  });

  it("measures deviation both ways, so halving is as far as doubling", () => {
    expect(deviationPct("2.54", "1.27")).toBeCloseTo(100);
    expect(deviationPct("0.635", "1.27")).toBeCloseTo(100);
    expect(deviationPct("1.27", "1.27")).toBe(0);
    expect(() => checkPlausible({ USD: "1.5875" }, { USD: "1.27" }, 25)).not.toThrow();
    expect(() => checkPlausible({ USD: "1.6" }, { USD: "1.27" }, 25)).toThrow(/USD/);
    expect(() => checkPlausible({ JPY: "900" }, { USD: "1.27" }, 25)).not.toThrow();
  });

  it("does not follow a redirect", async () => {
    answer = (res) => {
      res.writeHead(302, { location: `${base}/target` });
      res.end();
    };
    expect((await provider().ratesNow()).source).toBe("configured");
    expect(failures).toEqual(["redirect"]);
  });

  it("refuses an answer larger than the cap, announced or streamed", async () => {
    const big = JSON.stringify({
      base: "GBP",
      rates: { USD: 1.25, EUR: 1.15, SGD: 1.7 },
      pad: "x".repeat(5000),
    });
    answer = (res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(big);
    };
    expect((await provider({ maxBytes: 1024 }).ratesNow()).source).toBe("configured");
    answer = (res) => {
      res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
      for (let i = 0; i < 5; i++) res.write(big.slice(i * 1000, (i + 1) * 1000));
      res.end(big.slice(5000));
    };
    expect((await provider({ maxBytes: 1024 }).ratesNow()).source).toBe("configured");
    expect(failures).toEqual(["too_large", "too_large"]);
    expect((await provider({ maxBytes: 64 * 1024 }).ratesNow()).source).toBe("live");
  });
});
