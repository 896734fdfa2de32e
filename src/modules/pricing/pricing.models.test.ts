import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../../shared/errors";
import {
  DEFAULT_PRICING,
  priceQuote,
  QUOTE_MONTHS,
  type QuoteInput,
  REGION_CODES,
  type RegionCode,
  roundHalfAwayFromZero,
  toGbpMinor,
} from "./pricing.models";

function quote(over: Partial<QuoteInput> & { region?: RegionCode } = {}) {
  const region = over.region ?? "GB";
  return priceQuote({
    tierId: "tie_1",
    monthlyPriceMinor: 2900,
    months: 1,
    referred: false,
    regionPricing: DEFAULT_PRICING.regions[region],
    affiliateDiscountRate: DEFAULT_PRICING.affiliateDiscountRate,
    volumeDiscountRates: DEFAULT_PRICING.volumeDiscountRates,
    ...over,
    region,
  });
}

const decimal = (maxUnits: number, places: number) =>
  fc.integer({ min: 0, max: maxUnits }).map((units) => {
    const digits = String(units).padStart(places + 1, "0");
    return `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  });

const anyQuoteInput = fc.record({
  tierId: fc.constant("tie_1"),
  monthlyPriceMinor: fc.integer({ min: 0, max: 10_000_000 }),
  months: fc.constantFrom(...QUOTE_MONTHS),
  region: fc.constantFrom(...REGION_CODES),
  referred: fc.boolean(),
  regionPricing: fc.record({
    currency: fc.constant("XXX"),
    fxRate: decimal(100_000_000, 4).filter((r) => r !== "0.0000"),
    markupRate: decimal(10_000, 4),
  }),
  affiliateDiscountRate: decimal(100, 2),
  volumeDiscountRates: fc.record({
    1: decimal(100, 2),
    3: decimal(100, 2),
    6: decimal(100, 2),
    12: decimal(100, 2),
  }),
});

const amountOf = (q: ReturnType<typeof priceQuote>, code: string) =>
  q.lines.find((line) => line.code === code)?.amountMinor;

describe("quote pricing", () => {
  it("prices a referred buyer's 12 months in the EU exactly as the SPEC example", () => {
    const q = quote({ monthlyPriceMinor: 2900, months: 12, region: "EU", referred: true });
    expect(q.lines).toEqual([
      { code: "base", amountMinor: 40716 },
      { code: "regional_markup", amountMinor: 814 },
      { code: "affiliate_discount", amountMinor: -4153 },
      { code: "volume_discount", amountMinor: -7475 },
    ]);
    expect(q).toMatchObject({
      tierId: "tie_1",
      months: 12,
      region: "EU",
      currency: "EUR",
      totalMinor: 29902,
      baseCurrency: "GBP",
      baseTotalMinor: 34800,
      fxRate: 1.17,
      fxRateDecimal: "1.17",
    });
  });

  it("charges a UK buyer the plain GBP price with no markup line", () => {
    const q = quote({ region: "GB", months: 1 });
    expect(q.lines).toEqual([{ code: "base", amountMinor: 2900 }]);
    expect(q).toMatchObject({ currency: "GBP", totalMinor: 2900, fxRate: 1 });
  });

  it("gives a one-month purchase no volume discount line", () => {
    const q = quote({ region: "US", months: 1, referred: true });
    expect(q.lines.map((line) => line.code)).toEqual(["base", "regional_markup", "affiliate_discount"]);
  });

  it("gives the affiliate discount only to referred buyers", () => {
    expect(amountOf(quote({ months: 3 }), "affiliate_discount")).toBeUndefined();
    expect(amountOf(quote({ months: 3, referred: true }), "affiliate_discount")).toBe(-870);
  });

  it("omits discount lines that round to zero", () => {
    const q = quote({ monthlyPriceMinor: 4, months: 3, referred: true });
    expect(q.lines).toEqual([
      { code: "base", amountMinor: 12 },
      { code: "affiliate_discount", amountMinor: -1 },
      { code: "volume_discount", amountMinor: -1 },
    ]);
    expect(quote({ monthlyPriceMinor: 1, months: 3, referred: true }).lines).toEqual([
      { code: "base", amountMinor: 3 },
    ]);
  });

  it.each([0, 2, 24, 1.5, Number.NaN])("refuses %s months with a 400 error", (months) => {
    const attempt = () => quote({ months });
    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow(expect.objectContaining({ code: "pricing.invalid_months", status: 400 }));
  });

  it("refuses a fractional or negative tier price and a zero or malformed rate", () => {
    expect(() => quote({ monthlyPriceMinor: 10.5 })).toThrow(RangeError);
    expect(() => quote({ monthlyPriceMinor: -1 })).toThrow(RangeError);
    const bad = (fxRate: string) => quote({ regionPricing: { currency: "USD", fxRate, markupRate: "0" } });
    for (const fxRate of ["0", "0.000", "-1.27", "1e3", "1,27", " 1.27", ""]) {
      expect(() => bad(fxRate)).toThrow(RangeError);
    }
    expect(() => quote({ referred: true, affiliateDiscountRate: "1.01" })).toThrow(RangeError);
  });
});

describe("quote pricing properties", () => {
  it("the lines always add up to the total, and every amount is an integer", () => {
    fc.assert(
      fc.property(anyQuoteInput, (input) => {
        const q = priceQuote(input);
        const sum = q.lines.reduce((total, line) => total + line.amountMinor, 0);
        expect(sum).toBe(q.totalMinor);
        for (const line of q.lines) expect(Number.isSafeInteger(line.amountMinor)).toBe(true);
        expect(Number.isSafeInteger(q.totalMinor)).toBe(true);
        expect(q.baseTotalMinor).toBe(input.monthlyPriceMinor * input.months);
      }),
    );
  });

  it("no discount ever raises a price, and no total goes below zero", () => {
    fc.assert(
      fc.property(anyQuoteInput, (input) => {
        const q = priceQuote(input);
        const base = amountOf(q, "base") ?? 0;
        const markup = amountOf(q, "regional_markup") ?? 0;
        expect(amountOf(q, "affiliate_discount") ?? 0).toBeLessThanOrEqual(0);
        expect(amountOf(q, "volume_discount") ?? 0).toBeLessThanOrEqual(0);
        expect(q.totalMinor).toBeLessThanOrEqual(base + markup);
        expect(q.totalMinor).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("lines appear in SPEC order, each only when it is non-zero and applies", () => {
    fc.assert(
      fc.property(anyQuoteInput, (input) => {
        const q = priceQuote(input);
        const order = ["base", "regional_markup", "affiliate_discount", "volume_discount"];
        const codes = q.lines.map((line) => line.code);
        expect(codes).toEqual([...codes].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
        expect(codes[0]).toBe("base");
        for (const line of q.lines.slice(1)) expect(line.amountMinor).not.toBe(0);
        if (!input.referred) expect(codes).not.toContain("affiliate_discount");
        if (input.months === 1) expect(codes).not.toContain("volume_discount");
      }),
    );
  });

  it("a higher monthly price never yields a lower total", () => {
    fc.assert(
      fc.property(anyQuoteInput, fc.integer({ min: 0, max: 1000 }), (input, extra) => {
        const cheaper = priceQuote(input);
        const dearer = priceQuote({ ...input, monthlyPriceMinor: input.monthlyPriceMinor + extra });
        expect(dearer.totalMinor).toBeGreaterThanOrEqual(cheaper.totalMinor);
      }),
    );
  });
});

describe("rounding", () => {
  it.each([
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [25n, 10n, 3n],
    [-25n, 10n, -3n],
    [15n, 10n, 2n],
    [-15n, 10n, -2n],
    [1n, 2n, 1n],
    [-1n, 2n, -1n],
    [81432n, 100n, 814n],
    [-81432n, 100n, -814n],
    [249999n, 100000n, 2n],
    [-249999n, 100000n, -2n],
    [0n, 7n, 0n],
  ])("rounds %s / %s half away from zero to %s", (num, den, expected) => {
    expect(roundHalfAwayFromZero(num, den)).toBe(expected);
  });

  it("never moves a value by more than one half, and is symmetric around zero", () => {
    fc.assert(
      fc.property(fc.bigInt(-(10n ** 30n), 10n ** 30n), fc.bigInt(1n, 10n ** 12n), (num, den) => {
        const rounded = roundHalfAwayFromZero(num, den);
        const error = rounded * den - num;
        expect(2n * (error < 0n ? -error : error) <= den).toBe(true);
        expect(roundHalfAwayFromZero(-num, den)).toBe(-rounded);
      }),
    );
  });
});

describe("conversion back to GBP", () => {
  it("converts an order total back to GBP at the locked rate, halves away from zero", () => {
    expect(toGbpMinor(29902, "1.17")).toBe(25557);
    expect(toGbpMinor(2900, "1")).toBe(2900);
    expect(toGbpMinor(127, "1.27")).toBe(100);
    expect(toGbpMinor(5, "2")).toBe(3);
    expect(toGbpMinor(-5, "2")).toBe(-3);
  });

  it("refuses a zero rate rather than dividing by it", () => {
    expect(() => toGbpMinor(100, "0")).toThrow(RangeError);
  });
});
