import type { Level } from "../catalog/catalog.models";
import { levelRank } from "../catalog/catalog.models";
import type { TierRow } from "../catalog/catalog.table";
import { type Features, FREE_FEATURES } from "../users/users.models";
import type { EntitlementRow } from "./entitlements.table";

export const DAY_MS = 86_400_000;

export const isActive = (
  e: Pick<EntitlementRow, "startsAt" | "expiresAt" | "revokedAt">,
  at: Date,
): boolean => !e.revokedAt && e.startsAt.getTime() <= at.getTime() && at.getTime() < e.expiresAt.getTime();

/**
 * Where a new period for a tier starts: right after the latest unrevoked period of the same
 * tier that has not ended yet (renewing early never loses days), otherwise now.
 */
export function nextPeriodStart(
  sameTier: Pick<EntitlementRow, "expiresAt" | "revokedAt">[],
  now: Date,
): Date {
  let start = now.getTime();
  // Stryker disable next-line EqualityOperator: on equal times both keep the same start
  for (const e of sameTier) if (!e.revokedAt && e.expiresAt.getTime() > start) start = e.expiresAt.getTime();
  return new Date(start);
}

/** The highest level among active periods wins; its tier's features are the user's. */
export function resolveAccess(
  periods: Pick<EntitlementRow, "startsAt" | "expiresAt" | "revokedAt" | "tierId">[],
  tiers: Map<string, Pick<TierRow, "level" | "features" | "monthlyPriceMinor">>,
  at: Date,
): { tier: Level; features: Features } {
  let best: Pick<TierRow, "level" | "features" | "monthlyPriceMinor"> | undefined;
  for (const p of periods) {
    if (!isActive(p, at)) continue;
    const tier = tiers.get(p.tierId);
    if (!tier) continue;
    const better =
      !best ||
      levelRank(tier.level) > levelRank(best.level) ||
      // Stryker disable next-line EqualityOperator: of two tiers alike in level and price, either may decide
      (tier.level === best.level && tier.monthlyPriceMinor > best.monthlyPriceMinor);
    if (better) best = tier;
  }
  return best ? { tier: best.level, features: best.features } : { tier: "free", features: FREE_FEATURES };
}
