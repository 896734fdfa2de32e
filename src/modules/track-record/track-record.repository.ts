import { and, asc, eq, gte, inArray, isNotNull, isNull } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { executions, trades, updateResults } from "../executions/executions.table";
import { signals, signalUpdates } from "../signals/signals.table";

/** Reads (never writes) the reported facts a track record is derived from. */
export function trackRecordRepository(db: Executor) {
  return {
    /** Signals whose position closed since `since` (cancelled ones never count), oldest close first. */
    async closedSince(since: Date) {
      return db
        .select({
          id: signals.id,
          instrument: signals.instrument,
          side: signals.side,
          initialStopLoss: signals.initialStopLoss,
          closedAt: signals.closedAt,
        })
        .from(signals)
        .where(
          and(
            eq(signals.positionStatus, "closed"),
            gte(signals.closedAt, since),
            isNull(signals.cancelledAt),
          ),
        )
        .orderBy(asc(signals.closedAt), asc(signals.id));
    },

    /** What devices reported about these signals: fills, closing results with prices, closed trades. */
    async reportsOf(signalIds: string[]) {
      if (signalIds.length === 0) return { updates: [], fills: [], exits: [], trades: [] };
      const [updates, fills, exits, closed] = await Promise.all([
        db
          .select({
            id: signalUpdates.id,
            signalId: signalUpdates.signalId,
            seq: signalUpdates.seq,
            action: signalUpdates.action,
            fraction: signalUpdates.fraction,
          })
          .from(signalUpdates)
          .where(inArray(signalUpdates.signalId, signalIds)),
        db
          .select({
            signalId: executions.signalId,
            deviceId: executions.deviceId,
            price: executions.price,
            filledAt: executions.filledAt,
          })
          .from(executions)
          .where(and(inArray(executions.signalId, signalIds), eq(executions.status, "filled")))
          .orderBy(asc(executions.filledAt), asc(executions.id)),
        db
          .select({
            signalId: updateResults.signalId,
            updateId: updateResults.updateId,
            deviceId: updateResults.deviceId,
            closePrice: updateResults.closePrice,
          })
          .from(updateResults)
          .where(
            and(
              inArray(updateResults.signalId, signalIds),
              eq(updateResults.status, "applied"),
              isNotNull(updateResults.closePrice),
            ),
          ),
        db
          .select({ signalId: trades.signalId, deviceId: trades.deviceId, closePrice: trades.closePrice })
          .from(trades)
          .where(inArray(trades.signalId, signalIds)),
      ]);
      return { updates, fills, exits, trades: closed };
    },
  };
}
