import type { Clock } from "../../shared/clock";
import { PricingErrors } from "./pricing.errors";
import { isRegionCode, type PricingSettings, type RegionPricing } from "./pricing.models";

/** Currency code → exact decimal rate from GBP ("USD" → "1.27"). */
export type FxRates = Record<string, string>;
export type RateSourceKind = "configured" | "live" | "last_good";

export interface RatesSnapshot {
  rates: FxRates;
  source: RateSourceKind;
  /** When the live rates were fetched; null for configured rates. */
  fetchedAt: Date | null;
}

export interface RateProvider {
  ratesNow(): Promise<RatesSnapshot>;
  /** `ratesNow` when it would answer without fetching or falling back; undefined otherwise. */
  ratesAtOnce?(): RatesSnapshot | undefined;
}

/** The one logger method used; a pino logger fits it. */
export interface RateLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface RateProviderOptions {
  settings: PricingSettings;
  source?: { url: string; fetch?: typeof fetch };
  clock: Clock;
  logger?: RateLogger;
  ttlMs?: number;
  timeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** A live rate more than this many percent away from the configured one rejects the refresh. */
  maxDeviationPct?: number;
  /** The largest answer read from the source; a bigger one is refused. */
  maxBytes?: number;
  /** Told why each refresh failed (a metric counts them). */
  onFailure?: (reason: RateFailureReason) => void;
}

export type RateFailureReason = "network" | "http" | "redirect" | "too_large" | "invalid" | "implausible";

export class RateSourceError extends Error {
  constructor(
    message: string,
    readonly reason: RateFailureReason = "invalid",
  ) {
    super(message);
  }
}

export const DEFAULT_MAX_DEVIATION_PCT = 25;
export const DEFAULT_MAX_RATE_BYTES = 64 * 1024;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

/**
 * The rate source prices every order, so it must be https: a plain-http answer could be
 * rewritten on the way. Plain http is allowed only to this machine (a local fake in tests, or a
 * sidecar), where nothing travels over a network.
 */
export function isAllowedRateSourceUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
}

/**
 * How far a live rate is from the configured one, as the larger of the two ratios minus one, in
 * percent: 1.27 → 2.54 and 1.27 → 0.635 are both 100 %, so a near-zero rate is as implausible
 * as a huge one.
 */
export function deviationPct(live: string, configured: string): number {
  const a = Number(live);
  const b = Number(configured);
  return (Math.max(a / b, b / a) - 1) * 100;
}

/** Refuses live rates any of which strays further than `maxPct` from the configured rate. */
export function checkPlausible(live: FxRates, configured: FxRates, maxPct: number): void {
  for (const [currency, rate] of Object.entries(live)) {
    const base = configured[currency];
    if (base === undefined) continue;
    const off = deviationPct(rate, base);
    if (off > maxPct) {
      throw new RateSourceError(
        `rate for ${currency} ${rate} is ${off.toFixed(1)} % from the configured ${base} (limit ${maxPct} %)`,
        "implausible",
      );
    }
  }
}

/** The body as text, refused once it passes `maxBytes` (announced or actually sent). */
async function boundedText(response: Response, maxBytes: number): Promise<string> {
  const announced = Number(response.headers.get("content-length") ?? "0");
  if (announced > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new RateSourceError(`rate source answer of ${announced} bytes exceeds ${maxBytes}`, "too_large");
  }
  if (!response.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new RateSourceError(`rate source answer exceeds ${maxBytes} bytes`, "too_large");
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const RATE_TEXT = /^\d+(\.\d{1,8})?$/;

/**
 * A JSON number becomes an exact decimal string only if 8 places hold it: the round trip through
 * Number() proves no digit was lost (String(n) alone would give "1e-8" for small rates).
 */
function rateFromNumber(value: unknown, currency: string): string {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RateSourceError(`rate for ${currency} is not a positive number: ${JSON.stringify(value)}`);
  }
  const text = value.toFixed(8).replace(/\.?0+$/, "");
  if (!RATE_TEXT.test(text) || Number(text) !== value) {
    throw new RateSourceError(`rate for ${currency} needs more than 8 decimal places: ${value}`);
  }
  return text;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/**
 * Accepts `{"base":"GBP","rates":{"USD":1.27,…}}` carrying every currency we price in. A partial
 * answer is refused whole, so one quote never mixes live and configured rates.
 */
export function parseRateResponse(body: unknown, currencies: readonly string[]): FxRates {
  if (!isRecord(body) || !isRecord(body.rates)) throw new RateSourceError("response has no rates object");
  if (body.base !== "GBP")
    throw new RateSourceError(`rates must be from GBP, got ${JSON.stringify(body.base)}`);
  const rates = body.rates;
  return Object.fromEntries(
    currencies.map((currency) => [currency, rateFromNumber(rates[currency], currency)]),
  );
}

export function configuredRates(settings: PricingSettings): FxRates {
  return Object.fromEntries(Object.values(settings.regions).map((r) => [r.currency, r.fxRate]));
}

/** Settings with operator-given rates (FX_RATES) replacing the defaults for the currencies they name. */
export function withFxRates(settings: PricingSettings, rates: FxRates | undefined): PricingSettings {
  if (!rates) return settings;
  const regions = Object.fromEntries(
    Object.entries(settings.regions).map(([code, r]) => [
      code,
      { ...r, fxRate: rates[r.currency] ?? r.fxRate },
    ]),
  ) as PricingSettings["regions"];
  return { ...settings, regions };
}

/** The region's row with the current rate for its currency; an unknown region is the client's 400. */
export function regionSettings(settings: PricingSettings, rates: FxRates, region: string): RegionPricing {
  if (!isRegionCode(region)) throw PricingErrors.unknownRegion(`region was ${JSON.stringify(region)}`);
  const row = settings.regions[region];
  return { ...row, fxRate: rates[row.currency] ?? row.fxRate };
}

export function createRateProvider(options: RateProviderOptions): RateProvider {
  const { clock, logger, source, ttlMs = 300_000, timeoutMs = 3_000 } = options;
  const maxDeviationPct = options.maxDeviationPct ?? DEFAULT_MAX_DEVIATION_PCT;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_RATE_BYTES;
  if (source && !isAllowedRateSourceUrl(source.url))
    throw new Error("FX_RATE_SOURCE_URL must be https (plain http only to 127.0.0.1/localhost)");
  const backoff = options.backoff ?? { initialMs: 5_000, maxMs: 300_000 };
  const configured: RatesSnapshot = {
    rates: configuredRates(options.settings),
    source: "configured",
    fetchedAt: null,
  };
  const currencies = Object.keys(configured.rates).filter((c) => c !== "GBP");
  let lastGood: { rates: FxRates; fetchedAt: Date } | undefined;
  let freshUntil = 0;
  let failures = 0;
  let nextAttemptAt = 0;
  let inFlight: Promise<RatesSnapshot> | undefined;

  const fallback = (): RatesSnapshot => (lastGood ? { ...lastGood, source: "last_good" } : configured);

  async function fetchLive(url: string, fetchImpl: typeof fetch): Promise<FxRates> {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        headers: { accept: "application/json" },
        // A redirect could lead anywhere (plain http included): it is an error, never followed.
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new RateSourceError(`rate source unreachable: ${(error as Error).message}`, "network");
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      throw new RateSourceError(`rate source redirected (HTTP ${response.status}); not followed`, "redirect");
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new RateSourceError(`rate source answered HTTP ${response.status}`, "http");
    }
    const text = await boundedText(response, maxBytes);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new RateSourceError("rate source answer is not JSON");
    }
    const live = parseRateResponse(body, currencies);
    checkPlausible(live, configured.rates, maxDeviationPct);
    return { ...configured.rates, ...live };
  }

  async function refresh(url: string, fetchImpl: typeof fetch): Promise<RatesSnapshot> {
    try {
      const rates = await fetchLive(url, fetchImpl);
      const fetchedAt = clock.now();
      lastGood = { rates, fetchedAt };
      failures = 0;
      freshUntil = fetchedAt.getTime() + ttlMs;
      return { rates, fetchedAt, source: "live" };
    } catch (error) {
      failures += 1;
      // Exponential backoff so a dead source costs one timeout per window, not one per quote.
      const retryInMs = Math.min(backoff.initialMs * 2 ** (failures - 1), backoff.maxMs);
      nextAttemptAt = clock.now().getTime() + retryInMs;
      const reason = error instanceof Error ? error.message : String(error);
      options.onFailure?.(error instanceof RateSourceError ? error.reason : "network");
      logger?.warn({ reason, failures, retryInMs, using: fallback().source }, "FX rate source failed");
      return fallback();
    }
  }

  /** The source's last answer while it is fresh, else undefined. */
  const freshLive = (now: number): RatesSnapshot | undefined =>
    lastGood && now < freshUntil ? { ...lastGood, source: "live" } : undefined;

  return {
    ratesAtOnce() {
      if (!source) return configured;
      return freshLive(clock.now().getTime());
    },
    async ratesNow() {
      if (!source) return configured;
      const now = clock.now().getTime();
      const fresh = freshLive(now);
      if (fresh) return fresh;
      if (now < nextAttemptAt) return fallback();
      // Concurrent quotes share one request instead of each hitting the source.
      inFlight ??= refresh(source.url, source.fetch ?? fetch).finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}
