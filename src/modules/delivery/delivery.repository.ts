import { and, eq, gt, inArray, isNull } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { catalogTiers, type TierRow } from "../catalog/catalog.table";
import { entitlements } from "../entitlements/entitlements.table";
import { executions } from "../executions/executions.table";
import type { UserAccess } from "./delivery.index";
import { accessFrom } from "./delivery.models";

/** Reads (never writes) what the delivery index is rebuilt from. */
export function deliveryRepository(db: Executor) {
  return {
    /** Each user's access now, from their current and future periods, in one query. */
    async accessOf(userIds: string[], now: Date): Promise<Map<string, UserAccess>> {
      const result = new Map<string, UserAccess>();
      if (userIds.length === 0) return result;
      const rows = await db
        .select({ period: entitlements, tier: catalogTiers })
        .from(entitlements)
        .innerJoin(catalogTiers, eq(catalogTiers.id, entitlements.tierId))
        .where(
          and(
            inArray(entitlements.userId, userIds),
            isNull(entitlements.revokedAt),
            gt(entitlements.expiresAt, now),
          ),
        );
      const tiers = new Map<string, TierRow>(rows.map((r) => [r.tier.id, r.tier]));
      const periods = new Map<string, (typeof rows)[number]["period"][]>();
      for (const { period } of rows)
        periods.set(period.userId, [...(periods.get(period.userId) ?? []), period]);
      for (const userId of userIds) result.set(userId, accessFrom(periods.get(userId) ?? [], tiers, now));
      return result;
    },

    /** Which devices already ACKed these signals. */
    async acksOf(signalIds: string[]): Promise<{ signalId: string; deviceId: string }[]> {
      if (signalIds.length === 0) return [];
      return db
        .select({ signalId: executions.signalId, deviceId: executions.deviceId })
        .from(executions)
        .where(inArray(executions.signalId, signalIds));
    },
  };
}
