import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import { type RecordFigures, recordOf, type SignalOutcome, signalOutcome } from "./track-record.models";
import { trackRecordRepository } from "./track-record.repository";

/** A public record is the same for everyone; recomputing it more often than this buys nothing. */
export const RECORD_CACHE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface TrackRecord extends RecordFigures {
  days: number;
  since: string;
  generatedAt: string;
  /** Closed signals without a result (no fill, or no exit price reported). */
  unresolved: number;
  items: (SignalOutcome & {
    signalId: string;
    instrument: string;
    side: "buy" | "sell";
    closedAt: string;
  })[];
}

export type TrackRecordService = ReturnType<typeof createTrackRecordService>;

export function createTrackRecordService(deps: { db: Executor; clock: Clock }) {
  const repo = trackRecordRepository(deps.db);
  const cache = new Map<number, { until: number; record: Promise<TrackRecord> }>();

  async function compute(days: number): Promise<TrackRecord> {
    const now = deps.clock.now();
    const since = new Date(now.getTime() - days * DAY_MS);
    const closed = await repo.closedSince(since);
    const reports = await repo.reportsOf(closed.map((s) => s.id));
    const items: TrackRecord["items"] = [];
    for (const s of closed) {
      const first = reports.fills.find((f) => f.signalId === s.id && f.price !== null);
      const outcome = signalOutcome({
        instrument: s.instrument,
        side: s.side,
        initialStopLoss: s.initialStopLoss,
        updates: reports.updates.filter((u) => u.signalId === s.id),
        firstFill: first ? { deviceId: first.deviceId, price: first.price! } : null,
        exits: reports.exits
          .filter((e) => e.signalId === s.id)
          .map((e) => ({ updateId: e.updateId, deviceId: e.deviceId, closePrice: e.closePrice! })),
        trades: reports.trades.filter((t) => t.signalId === s.id),
      });
      if (outcome)
        items.push({
          signalId: s.id,
          instrument: s.instrument,
          side: s.side,
          closedAt: s.closedAt!.toISOString(),
          ...outcome,
        });
    }
    return {
      days,
      since: since.toISOString(),
      generatedAt: now.toISOString(),
      ...recordOf(items),
      unresolved: closed.length - items.length,
      items,
    };
  }

  return {
    /** The record over the last `days`, computed at most once a minute per period. */
    record(days: number): Promise<TrackRecord> {
      const now = deps.clock.now().getTime();
      const cached = cache.get(days);
      if (cached && cached.until > now) return cached.record;
      const record = compute(days);
      cache.set(days, { until: now + RECORD_CACHE_MS, record });
      record.catch(() => cache.delete(days));
      return record;
    },
  };
}
