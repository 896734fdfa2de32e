import { describe, expect, it } from "vitest";
import {
  DEFAULT_PRICING,
  isQuoteMonths,
  isRegionCode,
  parseDecimal,
  priceQuote,
  type QuoteInput,
  roundHalfAwayFromZero,
  toGbpMinor,
} from "./pricing.models";

// Pricing rules mutation testing found unpinned (issue 20): the SPEC's default figures, the
// exact decimal syntax rates are written in, and which bad input is refused with which reason.

const input = (over: Partial<QuoteInput> = {}): QuoteInput => ({
  tierId: "tie_1",
  monthlyPriceMinor: 2900,
  months: 3,
  region: "US",
  regionPricing: DEFAULT_PRICING.regions.US,
  referred: true,
  affiliateDiscountRate: DEFAULT_PRICING.affiliateDiscountRate,
  volumeDiscountRates: DEFAULT_PRICING.volumeDiscountRates,
  ...over,
});

describe("the SPEC's default prices", () => {
  it("are the SPEC's currencies, FX rates, markups and discounts, as exact decimals", () => {
    expect(DEFAULT_PRICING).toEqual({
      regions: {
        GB: { currency: "GBP", fxRate: "1", markupRate: "0" },
        US: { currency: "USD", fxRate: "1.27", markupRate: "0.02" },
        EU: { currency: "EUR", fxRate: "1.17", markupRate: "0.02" },
        ASIA: { currency: "SGD", fxRate: "1.71", markupRate: "0.03" },
      },
      affiliateDiscountRate: "0.10",
      volumeDiscountRates: { 1: "0", 3: "0.05", 6: "0.10", 12: "0.20" },
    });
  });

  it("names the regions and month counts a quote accepts", () => {
    for (const region of ["GB", "US", "EU", "ASIA"]) expect(isRegionCode(region)).toBe(true);
    for (const region of ["gb", "UK", "", undefined]) expect(isRegionCode(region)).toBe(false);
    for (const months of [1, 3, 6, 12]) expect(isQuoteMonths(months)).toBe(true);
    for (const months of [0, 2, 24, "3"]) expect(isQuoteMonths(months)).toBe(false);
  });
});

describe("rates are plain decimals, read exactly", () => {
  it.each([
    ["1", 1n, 1n],
    ["12", 12n, 1n],
    ["1.27", 127n, 100n],
    ["0.05", 5n, 100n],
    ["10.125", 10125n, 1000n],
  ])("reads %s as %s / %s", (text, num, den) => {
    expect(parseDecimal(text)).toEqual({ num, den });
  });

  it.each(["x1.27", "1.27x", "1.", ".5", "1.2.3", "-1", "+1", "1e3", "a", "1.a", " 1", "1 ", "1.27\n"])(
    "refuses %j, naming it",
    (text) => {
      expect(() => parseDecimal(text)).toThrow(
        new RangeError(`not a plain decimal: ${JSON.stringify(text)}`),
      );
    },
  );
});

describe("bad pricing input is refused with its reason", () => {
  it("a rate that must be positive, or at most 1, says which", () => {
    const zeroFx = { ...DEFAULT_PRICING.regions.US, fxRate: "0" };
    expect(() => priceQuote(input({ regionPricing: zeroFx }))).toThrow("fxRate must be positive");
    expect(() => priceQuote(input({ affiliateDiscountRate: "1.5" }))).toThrow(
      "affiliateDiscountRate must not exceed 1",
    );
    const volume = { ...DEFAULT_PRICING.volumeDiscountRates, 3: "1.01" };
    expect(() => priceQuote(input({ volumeDiscountRates: volume }))).toThrow(
      "volumeDiscountRate must not exceed 1",
    );
    const markup = { ...DEFAULT_PRICING.regions.US, markupRate: "2%" };
    expect(() => priceQuote(input({ regionPricing: markup }))).toThrow('not a plain decimal: "2%"');
  });

  it("a discount of exactly 100 % is allowed and a markup above 100 % too", () => {
    const q = priceQuote(input({ affiliateDiscountRate: "1", months: 1 }));
    expect(q.totalMinor).toBe(0);
    const doubled = priceQuote(
      input({
        referred: false,
        months: 1,
        regionPricing: { currency: "GBP", fxRate: "1", markupRate: "1.5" },
      }),
    );
    expect(doubled.totalMinor).toBe(2900 + 4350);
  });

  it("a price or month count out of range names the value", () => {
    expect(() => priceQuote(input({ months: 2 }))).toThrow(
      expect.objectContaining({ detail: "months was 2" }),
    );
    expect(() => priceQuote(input({ monthlyPriceMinor: -1 }))).toThrow(
      "monthlyPriceMinor must be a non-negative integer",
    );
  });

  it("a total beyond the safe integer range is refused rather than rounded", () => {
    const huge = input({ monthlyPriceMinor: Number.MAX_SAFE_INTEGER, months: 12, referred: false });
    expect(() => priceQuote(huge)).toThrow(/outside the safe integer range/);
  });

  it("rounding refuses a zero or negative denominator", () => {
    expect(() => roundHalfAwayFromZero(1n, 0n)).toThrow(new RangeError("denominator must be positive"));
    expect(() => roundHalfAwayFromZero(1n, -2n)).toThrow(RangeError);
  });

  it("conversion back to GBP refuses a fractional amount and a zero rate, saying which", () => {
    expect(() => toGbpMinor(10.5, "1.27")).toThrow(new RangeError("amountMinor must be an integer"));
    expect(() => toGbpMinor(Number.NaN, "1.27")).toThrow("amountMinor must be an integer");
    expect(() => toGbpMinor(100, "0")).toThrow("fxRate must be positive");
    expect(() => toGbpMinor(100, "0.00")).toThrow("fxRate must be positive");
  });
});

describe("what a quote says", () => {
  it("carries the tier, months, region, currency and the rate it was priced at", () => {
    const q = priceQuote(input());
    expect(q).toMatchObject({
      tierId: "tie_1",
      months: 3,
      region: "US",
      currency: "USD",
      baseCurrency: "GBP",
      baseTotalMinor: 8700,
      fxRate: 1.27,
      fxRateDecimal: "1.27",
    });
    // 8700 × 1.27 = 11049; +2 % = 221; −10 % of 11270 = 1127; −5 % of 10143 = 507.15 → 507.
    expect(q.lines).toEqual([
      { code: "base", amountMinor: 11049 },
      { code: "regional_markup", amountMinor: 221 },
      { code: "affiliate_discount", amountMinor: -1127 },
      { code: "volume_discount", amountMinor: -507 },
    ]);
    expect(q.totalMinor).toBe(9636);
  });
});
