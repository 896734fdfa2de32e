import { PricingErrors } from "./pricing.errors";

export const REGION_CODES = ["GB", "US", "EU", "ASIA"] as const;
export type RegionCode = (typeof REGION_CODES)[number];
/** Prices are quoted for this region when neither the request nor the user names one (GB, in GBP). */
export const DEFAULT_REGION: RegionCode = REGION_CODES[0];
export const QUOTE_MONTHS = [1, 3, 6, 12] as const;
export type QuoteMonths = (typeof QUOTE_MONTHS)[number];

/** Rates travel as exact decimal strings ("1.27", "0.02") so no binary float ever touches money. */
export interface RegionPricing {
  currency: string;
  fxRate: string;
  markupRate: string;
}

export interface PricingSettings {
  regions: Record<RegionCode, RegionPricing>;
  affiliateDiscountRate: string;
  volumeDiscountRates: Record<QuoteMonths, string>;
}

export const DEFAULT_PRICING: PricingSettings = {
  regions: {
    GB: { currency: "GBP", fxRate: "1", markupRate: "0" },
    US: { currency: "USD", fxRate: "1.27", markupRate: "0.02" },
    EU: { currency: "EUR", fxRate: "1.17", markupRate: "0.02" },
    ASIA: { currency: "SGD", fxRate: "1.71", markupRate: "0.03" },
  },
  affiliateDiscountRate: "0.10",
  volumeDiscountRates: { 1: "0", 3: "0.05", 6: "0.10", 12: "0.20" },
};

export type QuoteLineCode = "base" | "regional_markup" | "affiliate_discount" | "volume_discount" | "coupon";

export interface QuoteLine {
  code: QuoteLineCode;
  amountMinor: number;
}

export interface Quote {
  tierId: string;
  months: QuoteMonths;
  region: RegionCode;
  currency: string;
  lines: QuoteLine[];
  totalMinor: number;
  baseCurrency: "GBP";
  baseTotalMinor: number;
  fxRate: number;
  /** The exact rate the amounts were computed with; an order stores this, not the float. */
  fxRateDecimal: string;
  /** The coupon whose line the quote carries, if any. */
  coupon?: string;
}

export interface QuoteInput {
  tierId: string;
  monthlyPriceMinor: number;
  months: number;
  region: RegionCode;
  regionPricing: RegionPricing;
  referred: boolean;
  affiliateDiscountRate: string;
  volumeDiscountRates: Record<QuoteMonths, string>;
}

export function isQuoteMonths(value: unknown): value is QuoteMonths {
  return QUOTE_MONTHS.includes(value as QuoteMonths);
}

export function isRegionCode(value: unknown): value is RegionCode {
  return REGION_CODES.includes(value as RegionCode);
}

interface Rational {
  num: bigint;
  den: bigint;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** "1.27" → 127/100, exactly. Signs and exponents are refused: no configured rate needs them. */
export function parseDecimal(value: string): Rational {
  const match = DECIMAL.exec(value);
  if (!match) throw new RangeError(`not a plain decimal: ${JSON.stringify(value)}`);
  const fraction = match[2] ?? "";
  return { num: BigInt(match[1]! + fraction), den: 10n ** BigInt(fraction.length) };
}

/** round(num / den), halves going away from zero (2.5 → 3, −2.5 → −3), on the exact rational. */
export function roundHalfAwayFromZero(num: bigint, den: bigint): bigint {
  if (den <= 0n) throw new RangeError("denominator must be positive");
  // Stryker disable next-line EqualityOperator: for 0 both branches give 0n (a bigint has no -0)
  const magnitude = num < 0n ? -num : num;
  const quotient = magnitude / den;
  const rounded = 2n * (magnitude % den) >= den ? quotient + 1n : quotient;
  // Stryker disable next-line EqualityOperator: for 0 both branches give 0n (a bigint has no -0)
  return num < 0n ? -rounded : rounded;
}

function rate(value: string, name: string, { positive = false, atMostOne = false } = {}): Rational {
  const parsed = parseDecimal(value);
  if (positive && parsed.num === 0n) throw new RangeError(`${name} must be positive`);
  if (atMostOne && parsed.num > parsed.den) throw new RangeError(`${name} must not exceed 1`);
  return parsed;
}

const times = (amount: bigint, by: Rational) => roundHalfAwayFromZero(amount * by.num, by.den);

function toSafeNumber(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount ${value} is outside the safe integer range`);
  return n;
}

/** SPEC.md §Pricing, step by step: each line is rounded from the running subtotal before it. */
export function priceQuote(input: QuoteInput): Quote {
  const { months, monthlyPriceMinor: price, regionPricing } = input;
  if (!isQuoteMonths(months)) throw PricingErrors.invalidMonths(`months was ${String(months)}`);
  if (!Number.isSafeInteger(price) || price < 0) {
    throw new RangeError("monthlyPriceMinor must be a non-negative integer");
  }
  const fx = rate(regionPricing.fxRate, "fxRate", { positive: true });
  // Stryker disable next-line StringLiteral: a markup has no bound, so its name is never in a message
  const markupRate = rate(regionPricing.markupRate, "markupRate");
  // Discounts above 100 % would turn a price negative; refusing them keeps every discount a reduction.
  const affiliateRate = rate(input.affiliateDiscountRate, "affiliateDiscountRate", { atMostOne: true });
  const volumeRate = rate(input.volumeDiscountRates[months], "volumeDiscountRate", { atMostOne: true });

  const baseGbp = BigInt(price) * BigInt(months);
  const base = times(baseGbp, fx);
  const markup = times(base, markupRate);
  const s1 = base + markup;
  const affiliate = input.referred ? -times(s1, affiliateRate) : 0n;
  const s2 = s1 + affiliate;
  const volume = months > 1 ? -times(s2, volumeRate) : 0n;

  const lines: QuoteLine[] = [{ code: "base", amountMinor: toSafeNumber(base) }];
  if (markup > 0n) lines.push({ code: "regional_markup", amountMinor: toSafeNumber(markup) });
  if (affiliate !== 0n) lines.push({ code: "affiliate_discount", amountMinor: toSafeNumber(affiliate) });
  if (volume !== 0n) lines.push({ code: "volume_discount", amountMinor: toSafeNumber(volume) });

  return {
    tierId: input.tierId,
    months,
    region: input.region,
    currency: regionPricing.currency,
    lines,
    totalMinor: toSafeNumber(s2 + volume),
    baseCurrency: "GBP",
    baseTotalMinor: toSafeNumber(baseGbp),
    fxRate: Number(regionPricing.fxRate),
    fxRateDecimal: regionPricing.fxRate,
  };
}

/** An amount in the quote's currency back in GBP minor units at the rate the quote locked. */
export function toGbpMinor(amountMinor: number, fxRate: string): number {
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError("amountMinor must be an integer");
  const fx = rate(fxRate, "fxRate", { positive: true });
  return toSafeNumber(roundHalfAwayFromZero(BigInt(amountMinor) * fx.den, fx.num));
}
