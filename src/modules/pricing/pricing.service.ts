import { CatalogErrors } from "../catalog/catalog.errors";
import type { CatalogService } from "../catalog/catalog.service";
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
}

export type PricingService = ReturnType<typeof createPricingService>;

/** Quotes for a purchasable tier at the current FX rates; orders lock what this returns. */
export function createPricingService(deps: {
  catalog: Pick<CatalogService, "purchasableTier">;
  rates: RateProvider;
  settings: PricingSettings;
  referrals: ReferralCheck;
}) {
  const { settings } = deps;
  return {
    async quote(request: QuoteRequest): Promise<Quote> {
      const tier = await deps.catalog.purchasableTier(request.tierId);
      if (!tier) throw CatalogErrors.tierNotFound(`No purchasable tier ${request.tierId}`);
      const [snapshot, referred] = await Promise.all([
        deps.rates.ratesNow(),
        request.userId ? deps.referrals.isReferred(request.userId) : false,
      ]);
      return priceQuote({
        tierId: tier.id,
        monthlyPriceMinor: tier.monthlyPriceMinor,
        months: request.months,
        region: request.region,
        regionPricing: regionSettings(settings, snapshot.rates, request.region),
        referred,
        affiliateDiscountRate: settings.affiliateDiscountRate,
        volumeDiscountRates: settings.volumeDiscountRates,
      });
    },
  };
}
