import { CatalogErrors } from "../catalog/catalog.errors";
import type { CatalogService } from "../catalog/catalog.service";
import type { TierRow } from "../catalog/catalog.table";
import type { CouponsService } from "./coupons.service";
import { PricingErrors } from "./pricing.errors";
import {
  type PricingSettings,
  priceQuote,
  type Quote,
  type QuoteMonths,
  type RegionCode,
} from "./pricing.models";
import { type RateProvider, regionSettings } from "./pricing.rates";

/** Whether a buyer arrived through an affiliate; the affiliate program answers it. */
export interface ReferralCheck {
  isReferred(userId: string): Promise<boolean>;
}

export interface QuoteRequest {
  tierId: string;
  months: QuoteMonths;
  region: RegionCode;
  /** The buyer, when known: only a signed-in referred user gets the affiliate discount. */
  userId?: string;
  /** A coupon code (API.md §14): its line comes last; an unusable one is 409 `pricing.coupon_invalid`. */
  coupon?: string;
}

export type PricingService = ReturnType<typeof createPricingService>;

// Distinct inputs are few (tiers × months × regions × rates × referred); the bound only guards
// against a rate source that changes every few minutes for months on end. A Map cleared when
// full, not an LRU: refilling the live entries costs one pricing each.
const MEMO_LIMIT = 5_000;

/**
 * Quotes for a purchasable tier at the current FX rates; orders lock what this returns. The
 * arithmetic is pure, so a quote is computed once per distinct input and shared: treat it as
 * read-only.
 *
 * The memo is keyed by the inputs' values, not by versions, so nothing has to invalidate it: a
 * catalog edit (price, archive) shows through `purchasableTier`, whose cache is dropped on this
 * instance's writes and re-read within 5 s of another instance's; a rate refresh changes the
 * region's fxRate; the referral answer is asked afresh. A coupon is never memoised: its
 * validity depends on the moment and the buyer, so it is checked on every request.
 */
export function createPricingService(deps: {
  catalog: Pick<CatalogService, "purchasableTier"> & Partial<Pick<CatalogService, "cachedPurchasableTier">>;
  rates: RateProvider;
  settings: PricingSettings;
  referrals: ReferralCheck;
  coupons?: Pick<CouponsService, "applyTo">;
  /** How many distinct quotes are kept before the memo starts over. */
  memoLimit?: number;
}) {
  const memoLimit = deps.memoLimit ?? MEMO_LIMIT;
  const { settings } = deps;
  const memo = new Map<string, Quote>();

  async function quote(request: QuoteRequest): Promise<Quote> {
    const plain = await quoteWithoutCoupon(request);
    if (request.coupon === undefined) return plain;
    if (!deps.coupons) throw PricingErrors.couponInvalid("Coupons are not available here");
    return deps.coupons.applyTo(plain, request.coupon, { userId: request.userId });
  }

  /**
   * The quote `quote` would answer an anonymous caller without a coupon, when everything it
   * depends on is known now without awaiting (the tier's cache is fresh, the rates need no fetch)
   * and it was priced before; undefined otherwise, and the caller asks `quote`. For answering a
   * repeated anonymous quote before routing (pricing.quote-answers.ts).
   */
  function memoisedQuote(request: {
    tierId: string;
    months: QuoteMonths;
    region: RegionCode;
  }): Quote | undefined {
    const tier = deps.catalog.cachedPurchasableTier?.(request.tierId);
    const snapshot = tier && deps.rates.ratesAtOnce?.();
    if (!snapshot) return undefined;
    return memo.get(
      memoKey(
        tier,
        request.months,
        request.region,
        regionSettings(settings, snapshot.rates, request.region),
        false,
      ),
    );
  }

  return {
    quote,
    memoisedQuote,
  };

  async function quoteWithoutCoupon(request: QuoteRequest): Promise<Quote> {
    const tier = await deps.catalog.purchasableTier(request.tierId);
    if (!tier) throw CatalogErrors.tierNotFound(`No purchasable tier ${request.tierId}`);
    // An anonymous buyer (most quotes) has nothing to ask the referral program.
    const [snapshot, referred] = request.userId
      ? await Promise.all([deps.rates.ratesNow(), deps.referrals.isReferred(request.userId)])
      : [await deps.rates.ratesNow(), false];
    const regionPricing = regionSettings(settings, snapshot.rates, request.region);
    const key = memoKey(tier, request.months, request.region, regionPricing, referred);
    const known = memo.get(key);
    if (known) return known;
    const priced = priceQuote({
      tierId: tier.id,
      monthlyPriceMinor: tier.monthlyPriceMinor,
      months: request.months,
      region: request.region,
      regionPricing,
      referred,
      affiliateDiscountRate: settings.affiliateDiscountRate,
      volumeDiscountRates: settings.volumeDiscountRates,
    });
    // Shared between callers, so frozen: a caller that tried to change it would throw, not corrupt others.
    for (const line of priced.lines) Object.freeze(line);
    Object.freeze(priced.lines);
    const quote = Object.freeze(priced);
    if (memo.size >= memoLimit) memo.clear();
    memo.set(key, quote);
    return quote;
  }
}

/** What a quote without a coupon depends on, by value: equal keys price the same. */
function memoKey(
  tier: Pick<TierRow, "id" | "monthlyPriceMinor">,
  months: number,
  region: string,
  regionPricing: { fxRate: unknown; markupRate: unknown },
  referred: boolean,
): string {
  return [
    tier.id,
    tier.monthlyPriceMinor,
    months,
    region,
    regionPricing.fxRate,
    regionPricing.markupRate,
    referred,
  ].join("|");
}
