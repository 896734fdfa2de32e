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
}

export class RateSourceError extends Error {}

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
    const response = await fetchImpl(url, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new RateSourceError(`rate source answered HTTP ${response.status}`);
    return { ...configured.rates, ...parseRateResponse(await response.json(), currencies) };
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
      logger?.warn({ reason, failures, retryInMs, using: fallback().source }, "FX rate source failed");
      return fallback();
    }
  }

  return {
    async ratesNow() {
      if (!source) return configured;
      const now = clock.now().getTime();
      if (lastGood && now < freshUntil) return { ...lastGood, source: "live" };
      if (now < nextAttemptAt) return fallback();
      // Concurrent quotes share one request instead of each hitting the source.
      inFlight ??= refresh(source.url, source.fetch ?? fetch).finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}
