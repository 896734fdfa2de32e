import { and, asc, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { catalogTiers, type TierRow } from "../catalog/catalog.table";
import { entitlements } from "../entitlements/entitlements.table";
import { executions, updateResults } from "../executions/executions.table";
import { type SignalRow, type SignalUpdateRow, signals, signalUpdates } from "../signals/signals.table";
import type { UserAccess } from "./delivery.index";
import { accessFrom } from "./delivery.models";

/** Device ids per read when many polls are confirmed together (well under a statement's 65,535 parameters). */
const CONFIRM_CHUNK = 5_000;

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

    /**
     * Positions the book must hold: every open position somebody filled, and the positions with
     * updates that are open, closed after `closedSince`, or still owe some filled device an
     * update; one signal when `signalId` is given. `signals`, `updates` and `settled` cover the
     * positions with updates only (an open position without any has nothing else to load).
     */
    async positions(opts: { signalId?: string; closedSince: Date }): Promise<{
      signals: Pick<SignalRow, "id" | "positionStatus" | "closedAt" | "stopLoss" | "takeProfit">[];
      updates: SignalUpdateRow[];
      fills: { signalId: string; deviceId: string; ticket: string | null }[];
      settled: { signalId: string; updateId: string; deviceId: string }[];
    }> {
      const owing = sql`exists (
        select 1 from ${executions} e join ${signalUpdates} u on u.signal_id = e.signal_id
        where e.signal_id = ${signals.id} and e.status = 'filled' and not exists (
          select 1 from ${updateResults} r where r.update_id = u.id and r.device_id = e.device_id))`;
      const recent = sql`${signals.closedAt} > ${opts.closedSince.toISOString()}::timestamptz`;
      const withUpdates = opts.signalId
        ? eq(signals.id, opts.signalId)
        : and(
            gt(signals.lastUpdateSeq, 0),
            sql`(${signals.positionStatus} = 'open' or ${recent} or ${owing})`,
          );
      // Filled positions: joined rather than listed, so the open positions without updates (the
      // many) never become a parameter list.
      const held = opts.signalId
        ? eq(signals.id, opts.signalId)
        : or(
            eq(signals.positionStatus, "open"),
            and(gt(signals.lastUpdateSeq, 0), sql`(${recent} or ${owing})`),
          );
      const [tracked, fills] = await Promise.all([
        db
          .select({
            id: signals.id,
            positionStatus: signals.positionStatus,
            closedAt: signals.closedAt,
            stopLoss: signals.stopLoss,
            takeProfit: signals.takeProfit,
          })
          .from(signals)
          .where(withUpdates),
        db
          .select({
            signalId: executions.signalId,
            deviceId: executions.deviceId,
            ticket: executions.brokerTicket,
          })
          .from(executions)
          .innerJoin(signals, eq(signals.id, executions.signalId))
          .where(and(eq(executions.status, "filled"), held)),
      ]);
      const ids = tracked.map((s) => s.id);
      if (ids.length === 0) return { signals: [], updates: [], fills, settled: [] };
      const [updates, settled] = await Promise.all([
        db
          .select()
          .from(signalUpdates)
          .where(inArray(signalUpdates.signalId, ids))
          .orderBy(asc(signalUpdates.seq)),
        db
          .select({
            signalId: updateResults.signalId,
            updateId: updateResults.updateId,
            deviceId: updateResults.deviceId,
          })
          .from(updateResults)
          .where(inArray(updateResults.signalId, ids)),
      ]);
      return { signals: tracked, updates, fills, settled };
    },

    /**
     * Which of these signals the devices already reported on, and which of these updates they
     * settled (one device's poll, or the polls of a fan-out woken together), in reads of at most
     * `CONFIRM_CHUNK` devices each.
     */
    async reportedByDevices(
      deviceIds: string[],
      signalIds: string[],
      updateIds: string[],
    ): Promise<{
      acked: { deviceId: string; signalId: string }[];
      settled: { deviceId: string; signalId: string; updateId: string }[];
    }> {
      const acked: { deviceId: string; signalId: string }[] = [];
      const settled: { deviceId: string; signalId: string; updateId: string }[] = [];
      for (let i = 0; i < deviceIds.length; i += CONFIRM_CHUNK) {
        const some = deviceIds.slice(i, i + CONFIRM_CHUNK);
        const [a, r] = await Promise.all([
          signalIds.length === 0
            ? []
            : db
                .select({ deviceId: executions.deviceId, signalId: executions.signalId })
                .from(executions)
                .where(and(inArray(executions.deviceId, some), inArray(executions.signalId, signalIds))),
          updateIds.length === 0
            ? []
            : db
                .select({
                  deviceId: updateResults.deviceId,
                  signalId: updateResults.signalId,
                  updateId: updateResults.updateId,
                })
                .from(updateResults)
                .where(
                  and(inArray(updateResults.deviceId, some), inArray(updateResults.updateId, updateIds)),
                ),
        ]);
        acked.push(...a);
        settled.push(...r);
      }
      return { acked, settled };
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
