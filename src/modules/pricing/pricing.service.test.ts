import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";
import { AppError } from "../../shared/errors";
import { DEFAULT_PRICING } from "./pricing.models";
import { createRateProvider, withFxRates } from "./pricing.rates";
import { createPricingService, type ReferralCheck } from "./pricing.service";

describe("pricing service", () => {
  const ctx = useTestApp();

  async function setup(opts: { referred?: Set<string>; fxRates?: Record<string, string> } = {}) {
    const { deps, clock } = ctx();
    await deps.catalog.seedDefaultCatalog();
    const tier = (await deps.catalog.view()).categories[0]!.products[0]!.tiers[0]!;
    const settings = withFxRates(DEFAULT_PRICING, opts.fxRates);
    const referrals: ReferralCheck = { isReferred: async (userId) => opts.referred?.has(userId) ?? false };
    const pricing = createPricingService({
      catalog: deps.catalog,
      rates: createRateProvider({ settings, clock }),
      settings,
      referrals,
    });
    return { pricing, tier };
  }

  it("gives a referred buyer the SPEC example: 12 months of Premium in the EU for 29902", async () => {
    const { user } = await createUser(ctx().deps);
    const { pricing, tier } = await setup({ referred: new Set([user.id]) });
    const quote = await pricing.quote({ tierId: tier.id, months: 12, region: "EU", userId: user.id });
    expect(quote.totalMinor).toBe(29902);
    expect(quote.lines.find((l) => l.code === "affiliate_discount")?.amountMinor).toBe(-4153);
  });

  it("asks the referral program about the buyer, and a buyer it does not know pays full price", async () => {
    const { user } = await createUser(ctx().deps);
    const { pricing, tier } = await setup({ referred: new Set(["usr_someone_else"]) });
    const quote = await pricing.quote({ tierId: tier.id, months: 12, region: "EU", userId: user.id });
    expect(quote.totalMinor).toBe(33224);
  });

  it("records the operator's configured rate, exactly, in the quote", async () => {
    const { pricing, tier } = await setup({ fxRates: { USD: "1.30125" } });
    const quote = await pricing.quote({ tierId: tier.id, months: 1, region: "US" });
    expect(quote.fxRateDecimal).toBe("1.30125");
    expect(quote.lines[0]).toEqual({ code: "base", amountMinor: 3774 });
  });

  it("shares one frozen quote per input and prices afresh once the tier's price changes", async () => {
    const { pricing, tier } = await setup();
    const { user } = await createUser(ctx().deps, { admin: true });
    const first = await pricing.quote({ tierId: tier.id, months: 3, region: "GB" });
    expect(await pricing.quote({ tierId: tier.id, months: 3, region: "GB" })).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.lines[0])).toBe(true);
    await ctx().deps.catalog.updateTier(user, tier.id, { monthlyPriceMinor: 3000 });
    const repriced = await pricing.quote({ tierId: tier.id, months: 3, region: "GB" });
    expect(repriced.baseTotalMinor).toBe(9000);
    expect(first.baseTotalMinor).toBe(8700);
  });

  it("refuses an unknown tier with catalog.tier_not_found", async () => {
    const { pricing } = await setup();
    const error = await pricing.quote({ tierId: "tier_NOPE", months: 1, region: "GB" }).catch((e) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe("catalog.tier_not_found");
  });
});
