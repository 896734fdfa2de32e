import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";
import { AppError } from "../../shared/errors";
import { DEFAULT_PRICING } from "./pricing.models";
import { configuredRates, createRateProvider, type RateProvider, withFxRates } from "./pricing.rates";
import { createPricingService, type ReferralCheck } from "./pricing.service";

describe("pricing service", () => {
  const ctx = useTestApp();

  async function setup(
    opts: {
      referred?: Set<string>;
      fxRates?: Record<string, string>;
      rates?: RateProvider;
      memoLimit?: number;
    } = {},
  ) {
    const { deps, clock } = ctx();
    await deps.catalog.seedDefaultCatalog();
    const tier = (await deps.catalog.view()).categories[0]!.products[0]!.tiers[0]!;
    const settings = withFxRates(DEFAULT_PRICING, opts.fxRates);
    const referrals: ReferralCheck = { isReferred: async (userId) => opts.referred?.has(userId) ?? false };
    const pricing = createPricingService({
      catalog: deps.catalog,
      rates: opts.rates ?? createRateProvider({ settings, clock }),
      settings,
      referrals,
      memoLimit: opts.memoLimit,
    });
    return { pricing, tier };
  }

  /** A live rate source whose USD rate the test moves; the provider refetches after its TTL. */
  function liveRates(ttlMs: number) {
    const source = { usd: 1.27 };
    const rates = createRateProvider({
      settings: DEFAULT_PRICING,
      clock: ctx().clock,
      ttlMs,
      source: {
        url: "http://127.0.0.1/rates",
        fetch: async () => {
          const body = { ...configuredRates(DEFAULT_PRICING), USD: source.usd };
          const numbers = Object.fromEntries(Object.entries(body).map(([c, r]) => [c, Number(r)]));
          return Response.json({ base: "GBP", rates: numbers });
        },
      },
    });
    return { rates, source };
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

  it("prices afresh once the rates refresh, and keeps the quote while they stand", async () => {
    const { rates, source } = liveRates(60_000);
    const { pricing, tier } = await setup({ rates });
    const first = await pricing.quote({ tierId: tier.id, months: 1, region: "US" });
    expect(first.fxRateDecimal).toBe("1.27");
    source.usd = 1.3;
    expect(await pricing.quote({ tierId: tier.id, months: 1, region: "US" })).toBe(first);
    ctx().clock.advance(60_000);
    const refreshed = await pricing.quote({ tierId: tier.id, months: 1, region: "US" });
    expect(refreshed.fxRateDecimal).toBe("1.3");
    expect(refreshed.lines[0]).toEqual({ code: "base", amountMinor: 3770 });
  });

  it("gives a referred and a plain buyer different quotes for the same tier, months and region", async () => {
    const referred = await createUser(ctx().deps);
    const plain = await createUser(ctx().deps);
    const { pricing, tier } = await setup({ referred: new Set([referred.user.id]) });
    const request = { tierId: tier.id, months: 12, region: "EU" } as const;
    const theirs = await pricing.quote({ ...request, userId: referred.user.id });
    const mine = await pricing.quote({ ...request, userId: plain.user.id });
    const again = await pricing.quote({ ...request, userId: referred.user.id });
    expect([theirs.totalMinor, mine.totalMinor, again.totalMinor]).toEqual([29902, 33224, 29902]);
  });

  it("keeps a bounded number of quotes: past the bound the memo starts over", async () => {
    const { rates, source } = liveRates(1_000);
    const { pricing, tier } = await setup({ rates, memoLimit: 3 });
    const request = { tierId: tier.id, months: 1, region: "GB" } as const;
    const first = await pricing.quote(request);
    // Three more distinct inputs (a new USD rate each) fill the memo and start it over.
    for (const usd of [1.28, 1.29, 1.3]) {
      source.usd = usd;
      ctx().clock.advance(1_000);
      await pricing.quote({ ...request, region: "US" });
    }
    const after = await pricing.quote(request);
    expect(after).not.toBe(first);
    expect(after).toEqual(first);
  });

  it("refuses an unknown tier with catalog.tier_not_found", async () => {
    const { pricing } = await setup();
    const error = await pricing.quote({ tierId: "tier_NOPE", months: 1, region: "GB" }).catch((e) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe("catalog.tier_not_found");
  });
});
