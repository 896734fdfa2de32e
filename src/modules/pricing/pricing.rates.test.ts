import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../shared/clock";
import { AppError } from "../../shared/errors";
import { DEFAULT_PRICING } from "./pricing.models";
import {
  createRateProvider,
  parseRateResponse,
  type RateProviderOptions,
  regionSettings,
  withFxRates,
} from "./pricing.rates";

interface Reply {
  status?: number;
  body: string;
  delayMs?: number;
}

const json = (rates: Record<string, unknown>, base: unknown = "GBP"): Reply => ({
  body: JSON.stringify({ base, rates }),
});
const LIVE = json({ USD: 1.25, EUR: 1.15, SGD: 1.7, JPY: 190.5 });
const LIVE_RATES = { GBP: "1", USD: "1.25", EUR: "1.15", SGD: "1.7" };
const LATER = json({ USD: 1.3, EUR: 1.2, SGD: 1.75 });
const BROKEN: Reply = { status: 500, body: "upstream down" };
const CONFIGURED_RATES = { GBP: "1", USD: "1.27", EUR: "1.17", SGD: "1.71" };

/** A real HTTP rate source on a loopback port whose answers each test scripts in order. */
const source = {
  server: undefined as Server | undefined,
  url: "",
  hits: 0,
  script: [] as Reply[],
  otherwise: LIVE,
};

beforeAll(async () => {
  source.server = createServer((_req, res) => {
    source.hits += 1;
    const reply = source.script.shift() ?? source.otherwise;
    const send = () => {
      res.writeHead(reply.status ?? 200, { "content-type": "application/json" });
      res.end(reply.body);
    };
    if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
    else send();
  });
  await new Promise<void>((resolve) => source.server!.listen(0, "127.0.0.1", resolve));
  source.url = `http://127.0.0.1:${(source.server.address() as AddressInfo).port}/rates`;
});

afterAll(async () => {
  source.server?.closeAllConnections();
  await new Promise((resolve) => source.server?.close(resolve));
});

let clock: ManualClock;
let warnings: Record<string, unknown>[];

beforeEach(() => {
  source.hits = 0;
  source.script = [];
  source.otherwise = LIVE;
  clock = new ManualClock();
  warnings = [];
});

function provider(over: Partial<RateProviderOptions> = {}) {
  return createRateProvider({
    settings: DEFAULT_PRICING,
    source: { url: source.url },
    clock,
    logger: { warn: (details) => warnings.push(details) },
    ...over,
  });
}

describe("FX rates", () => {
  it("uses the configured rates when no rate source is set", async () => {
    const snapshot = await provider({ source: undefined }).ratesNow();
    expect(snapshot).toEqual({ rates: CONFIGURED_RATES, source: "configured", fetchedAt: null });
    expect(source.hits).toBe(0);
  });

  it("fetches live rates once and serves them from cache for 300 seconds", async () => {
    const rates = provider();
    const first = await rates.ratesNow();
    expect(first).toEqual({ rates: LIVE_RATES, source: "live", fetchedAt: clock.now() });
    for (let i = 0; i < 20; i++) {
      clock.advance(14_999);
      expect(await rates.ratesNow()).toMatchObject({ rates: LIVE_RATES, source: "live" });
    }
    expect(source.hits).toBe(1);
  });

  it("refreshes the rates once the 300-second cache has expired", async () => {
    const rates = provider();
    source.script = [LIVE, LATER];
    await rates.ratesNow();
    clock.advance(300_000);
    const refreshed = await rates.ratesNow();
    expect(refreshed).toMatchObject({ source: "live", rates: { USD: "1.3", EUR: "1.2", SGD: "1.75" } });
    expect(refreshed.fetchedAt).toEqual(clock.now());
    expect(source.hits).toBe(2);
  });

  it("falls back to the last good rates when the source starts failing", async () => {
    const rates = provider();
    source.script = [LIVE, BROKEN];
    const fetchedAt = clock.now();
    await rates.ratesNow();
    clock.advance(300_000);
    expect(await rates.ratesNow()).toEqual({ rates: LIVE_RATES, source: "last_good", fetchedAt });
    expect(warnings).toMatchObject([{ reason: "rate source answered HTTP 500", using: "last_good" }]);
  });

  it("falls back to the configured rates when the source has never answered well", async () => {
    source.otherwise = BROKEN;
    expect(await provider().ratesNow()).toEqual({
      rates: CONFIGURED_RATES,
      source: "configured",
      fetchedAt: null,
    });
  });

  it("falls back when the source answers garbage instead of JSON", async () => {
    source.otherwise = { body: "<html>maintenance</html>" };
    expect((await provider().ratesNow()).source).toBe("configured");
    expect(warnings).toHaveLength(1);
  });

  it("gives up on a slow source after the timeout instead of holding the quote", async () => {
    source.otherwise = { ...LIVE, delayMs: 2_000 };
    const started = performance.now();
    expect((await provider({ timeoutMs: 100 }).ratesNow()).source).toBe("configured");
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(String(warnings[0]?.reason)).toMatch(/timeout|abort/i);
  });

  it("backs off exponentially after failures, capped at five minutes, and resets on success", async () => {
    const rates = provider();
    source.otherwise = BROKEN;
    await rates.ratesNow();
    const windows = [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000];
    for (const [i, window] of windows.entries()) {
      clock.advance(window - 1);
      await rates.ratesNow();
      expect(source.hits).toBe(i + 1);
      clock.advance(1);
      await rates.ratesNow();
      expect(source.hits).toBe(i + 2);
    }
    expect(warnings.map((w) => w.retryInMs)).toEqual([...windows, 300_000]);

    source.script = [LIVE];
    clock.advance(300_000);
    expect((await rates.ratesNow()).source).toBe("live");
    source.hits = 0;
    clock.advance(300_000);
    await rates.ratesNow();
    clock.advance(4_999);
    await rates.ratesNow();
    expect(source.hits).toBe(1);
    clock.advance(1);
    await rates.ratesNow();
    expect(source.hits).toBe(2);
  });

  it("makes one request for many quotes arriving together", async () => {
    source.otherwise = { ...LIVE, delayMs: 100 };
    const rates = provider();
    const snapshots = await Promise.all(Array.from({ length: 10 }, () => rates.ratesNow()));
    expect(source.hits).toBe(1);
    for (const snapshot of snapshots) expect(snapshot).toMatchObject({ rates: LIVE_RATES, source: "live" });
  });

  it.each([
    ["a negative rate", json({ USD: -1.27, EUR: 1.17, SGD: 1.71 })],
    ["a zero rate", json({ USD: 0, EUR: 1.17, SGD: 1.71 })],
    ["a rate sent as a string", json({ USD: "1.27", EUR: 1.17, SGD: 1.71 })],
    ["a rate of NaN (null in JSON)", json({ USD: Number.NaN, EUR: 1.17, SGD: 1.71 })],
    ["a rate too small for 8 places", json({ USD: 1e-9, EUR: 1.17, SGD: 1.71 })],
    ["a rate with more than 8 decimals", json({ USD: 1.123456789, EUR: 1.17, SGD: 1.71 })],
    ["a float artefact such as 0.1 + 0.2", json({ USD: 0.1 + 0.2, EUR: 1.17, SGD: 1.71 })],
    ["a currency missing", json({ USD: 1.27, EUR: 1.17 })],
    ["rates from another base currency", json({ USD: 1.27, EUR: 1.17, SGD: 1.71 }, "USD")],
    ["no rates object", { body: JSON.stringify({ base: "GBP" }) }],
  ])("refuses a response with %s and keeps the configured rates", async (_case, reply) => {
    source.otherwise = reply;
    expect(await provider().ratesNow()).toMatchObject({ rates: CONFIGURED_RATES, source: "configured" });
    expect(warnings).toHaveLength(1);
  });
});

describe("FX rate helpers", () => {
  it("turns JSON numbers into exact decimal strings", () => {
    const body = { base: "GBP", rates: { USD: 1.27, EUR: 0.00000001, SGD: 12345.6789 } };
    expect(parseRateResponse(body, ["USD", "EUR", "SGD"])).toEqual({
      USD: "1.27",
      EUR: "0.00000001",
      SGD: "12345.6789",
    });
  });

  it("prices a region with the current rate for its currency", () => {
    const rates = { GBP: "1", USD: "1.25", EUR: "1.15", SGD: "1.7" };
    expect(regionSettings(DEFAULT_PRICING, rates, "US")).toEqual({
      currency: "USD",
      fxRate: "1.25",
      markupRate: "0.02",
    });
    expect(regionSettings(DEFAULT_PRICING, {}, "ASIA").fxRate).toBe("1.71");
  });

  it("refuses an unknown region with a 400 error", () => {
    const attempt = () => regionSettings(DEFAULT_PRICING, {}, "MARS");
    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow(expect.objectContaining({ code: "pricing.unknown_region", status: 400 }));
  });

  it("lets operator-configured rates replace the defaults for the currencies they name", () => {
    const settings = withFxRates(DEFAULT_PRICING, { USD: "1.3" });
    expect(settings.regions.US.fxRate).toBe("1.3");
    expect(settings.regions.EU.fxRate).toBe("1.17");
    expect(withFxRates(DEFAULT_PRICING, undefined)).toBe(DEFAULT_PRICING);
  });
});
