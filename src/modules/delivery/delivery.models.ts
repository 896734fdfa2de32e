import type { TierRow } from "../catalog/catalog.table";
import { isActive, resolveAccess } from "../entitlements/entitlements.models";
import type { EntitlementRow } from "../entitlements/entitlements.table";
import type { UserAccess } from "./delivery.index";

/** Tier features can be edited without an event; no cached answer outlives this. */
export const ACCESS_MAX_AGE_MS = 300_000;

type Period = Pick<EntitlementRow, "startsAt" | "expiresAt" | "revokedAt" | "tierId">;

/**
 * Whether the plan includes signals now, and until when that answer holds: the next moment a
 * period starts or ends, so a poll never needs the database just because time passed.
 */
export function accessFrom(
  periods: Period[],
  tiers: Map<string, Pick<TierRow, "level" | "features" | "monthlyPriceMinor">>,
  now: Date,
  maxAgeMs = ACCESS_MAX_AGE_MS,
): UserAccess {
  const at = now.getTime();
  let until = at + maxAgeMs;
  for (const p of periods) {
    if (p.revokedAt) continue;
    for (const edge of [p.startsAt.getTime(), p.expiresAt.getTime()])
      if (edge > at && edge < until) until = edge;
  }
  const active = periods.filter((p) => isActive(p, now));
  return { signals: resolveAccess(active, tiers, now).features.signals, until };
}
