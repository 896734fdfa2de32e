import { createUser } from "../../../test/support/factories";
import type { Deps } from "../../deps";
import { ManualClock } from "../../shared/clock";
import type { RegionCode } from "../pricing/pricing.models";
import type { AffiliateSettings } from "./affiliates.context";
import { PAYOUT_INTERVAL_MS } from "./affiliates.models";
import { createAffiliatesService } from "./affiliates.service";

/** Test helpers for the affiliate program, over the real services (orders included). */

let nextTelegramId = 700_000;
export const DAY_MS = 86_400_000;

export async function newAffiliate(deps: Deps) {
  const owner = await createUser(deps);
  const affiliate = await deps.affiliates.register(owner.user.id);
  return { ...owner, code: affiliate.code };
}

/** A user signing up for the first time with `code`, as the bot and the Mini App both do. */
export async function signUpWith(deps: Deps, code: string | null) {
  const telegramId = nextTelegramId++;
  const { user } = await deps.users.ensureFromTelegram(
    { telegramId, username: `ref${telegramId}`, firstName: "Referred" },
    { referralCode: code },
  );
  const token = await deps.tokens.issue(user.id);
  return { user, token, headers: { authorization: `Bearer ${token}` } };
}

export async function premiumTierId(deps: Deps): Promise<string> {
  await deps.catalog.seedDefaultCatalog();
  const view = await deps.catalog.view();
  return view.categories[0]!.products[0]!.tiers.find((t) => t.level === "premium")!.id;
}

/** Creates and pays an order for the premium tier (£29.00 a month before discounts). */
export async function buy(
  deps: Deps,
  userId: string,
  opts: { months?: 1 | 3 | 6 | 12; region?: RegionCode } = {},
) {
  const order = await deps.orders.create(
    { id: userId, region: null },
    { tierId: await premiumTierId(deps), months: opts.months ?? 1, region: opts.region ?? "GB" },
  );
  const outcome = await deps.orders.markOrderPaid({
    orderId: order.id,
    provider: "manual",
    reference: `test-${order.id}`,
  });
  if (outcome.result !== "paid") throw new Error(`order not paid: ${outcome.result}`);
  return outcome.order;
}

export async function refund(deps: Deps, orderId: string) {
  const outcome = await deps.orders.markOrderRefunded({
    orderId,
    provider: "manual",
    reference: `refund-${orderId}`,
  });
  if (outcome.result !== "refunded") throw new Error(`order not refunded: ${outcome.result}`);
  return outcome.order;
}

/**
 * An affiliate with `orders` referred users who each paid a 12-month GB premium order:
 * £348.00 less 10 % and 20 % is £250.56, so each earns a bronze commission of 2506.
 */
export const TWELVE_MONTH_COMMISSION = 2506;
export async function affiliateWithSales(deps: Deps, orders: number) {
  const affiliate = await newAffiliate(deps);
  const sales = [];
  for (let i = 0; i < orders; i++) {
    const buyer = await signUpWith(deps, affiliate.code);
    sales.push(await buy(deps, buyer.user.id, { months: 12 }));
    // A minute apart, so "oldest first" has one answer.
    if (deps.clock instanceof ManualClock) deps.clock.advance(60_000);
  }
  return { ...affiliate, sales };
}

/** Access tokens last an hour; tests that move the clock by days sign in again. */
export async function freshHeaders(deps: Deps, userId: string) {
  return { authorization: `Bearer ${await deps.tokens.issue(userId)}` };
}

export const stats = async (deps: Deps, userId: string) => (await deps.affiliates.view(userId)).stats;

/** A second affiliates service over the test app's database, with some settings changed. */
export function affiliatesService(
  deps: Deps,
  overrides: Partial<AffiliateSettings> & { newCode?: () => string } = {},
) {
  const { newCode, ...settings } = overrides;
  return createAffiliatesService({
    db: deps.db,
    clock: deps.clock,
    audit: deps.audit,
    settings: {
      schedule: {
        thresholds: deps.config.affiliates.tierThresholds,
        ratesBps: deps.config.affiliates.tierRatesBps,
      },
      holdDays: deps.config.affiliates.holdDays,
      payoutMinimumMinor: deps.config.affiliates.payoutMinimumMinor,
      payoutIntervalMs: PAYOUT_INTERVAL_MS,
      publicUrl: deps.config.publicUrl,
      botUsername: () => deps.config.telegram.botUsername,
      ...settings,
    },
    commissionsTotal: { inc: () => {} },
    newCode,
  });
}
