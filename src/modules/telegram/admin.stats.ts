import { and, count, countDistinct, eq, gt, gte, isNull, lte, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { ONLINE_WINDOW_MS } from "../devices/devices.models";
import { devices } from "../devices/devices.table";
import { entitlements } from "../entitlements/entitlements.table";
import { orders } from "../orders/orders.table";
import { signals } from "../signals/signals.table";
import { users } from "../users/users.table";

export interface BusinessStats {
  users: number;
  activeSubscribers: number;
  revenue30dGbpMinor: number;
  devicesOnline: number;
  signalsToday: number;
}

const DAY_MS = 86_400_000;

/**
 * The operator's dashboard numbers: read-only aggregates over other modules' tables (reads are
 * allowed across modules; nothing here writes). Revenue is each paid order's total converted
 * back to GBP at the rate it locked, rounded half away from zero like every amount.
 */
export async function businessStats(db: Executor, now: Date): Promise<BusinessStats> {
  const midnight = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  const [[u], [subs], [revenue], [online], [today]] = await Promise.all([
    db.select({ n: count() }).from(users),
    db
      .select({ n: countDistinct(entitlements.userId) })
      .from(entitlements)
      .where(
        and(isNull(entitlements.revokedAt), lte(entitlements.startsAt, now), gt(entitlements.expiresAt, now)),
      ),
    db
      .select({
        gbp: sql<string>`coalesce(sum(round(${orders.totalMinor}::numeric / ${orders.fxRate}::numeric)), 0)`,
      })
      .from(orders)
      .where(and(eq(orders.status, "paid"), gte(orders.paidAt, new Date(now.getTime() - 30 * DAY_MS)))),
    db
      .select({ n: count() })
      .from(devices)
      .where(
        and(isNull(devices.revokedAt), gt(devices.lastSeenAt, new Date(now.getTime() - ONLINE_WINDOW_MS))),
      ),
    db.select({ n: count() }).from(signals).where(gte(signals.createdAt, midnight)),
  ]);
  return {
    users: Number(u?.n ?? 0),
    activeSubscribers: Number(subs?.n ?? 0),
    revenue30dGbpMinor: Number(revenue?.gbp ?? 0),
    devicesOnline: Number(online?.n ?? 0),
    signalsToday: Number(today?.n ?? 0),
  };
}
