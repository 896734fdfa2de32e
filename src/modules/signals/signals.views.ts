import {
  type Decision,
  type DecisionView,
  decisionView,
  type PositionStatus,
  type SignalStatus,
  signalStatus,
} from "./signals.models";
import type { SignalRow, SignalUpdateRow } from "./signals.table";

/** An update as the API shows it (API.md §10 `SignalUpdate`). */
export interface SignalUpdateView {
  id: string;
  signalId: string;
  seq: number;
  action: SignalUpdateRow["action"];
  stopLoss: number | null;
  takeProfit: number | null;
  fraction: number | null;
  note: string | null;
  externalId: string | null;
  createdAt: string;
}

export const toUpdateView = (u: SignalUpdateRow): SignalUpdateView => ({
  id: u.id,
  signalId: u.signalId,
  seq: u.seq,
  action: u.action,
  stopLoss: u.stopLoss,
  takeProfit: u.takeProfit,
  fraction: u.fraction,
  note: u.note,
  externalId: u.externalId,
  createdAt: u.createdAt.toISOString(),
});

export interface SignalView {
  id: string;
  externalId: string | null;
  instrument: string;
  side: SignalRow["side"];
  orderType: SignalRow["orderType"];
  entryPrice: number | null;
  stopLoss: number | null;
  takeProfit: number | null;
  volume: number | null;
  minTier: SignalRow["minTier"];
  note: string | null;
  status: SignalStatus;
  positionStatus: PositionStatus;
  /** Every update so far, in seq order; stopLoss/takeProfit above already include them. */
  updates: SignalUpdateView[];
  createdAt: string;
  expiresAt: string;
  recipients: number;
  /** The viewer's own decision, when the viewer is a recipient. */
  decision?: DecisionView;
  /** Admins: how the recipients decided so far. */
  decisions?: Record<Decision, number>;
}

export function toSignalView(
  row: SignalRow,
  now: Date,
  extra: { decision?: Decision | null; counts?: Record<Decision, number>; updates?: SignalUpdateRow[] } = {},
): SignalView {
  const status = signalStatus(row, now);
  return {
    id: row.id,
    externalId: row.externalId,
    instrument: row.instrument,
    side: row.side,
    orderType: row.orderType,
    entryPrice: row.entryPrice,
    stopLoss: row.stopLoss,
    takeProfit: row.takeProfit,
    volume: row.volume,
    minTier: row.minTier,
    note: row.note,
    status,
    positionStatus: row.positionStatus,
    updates: (extra.updates ?? []).map(toUpdateView),
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    recipients: row.recipientCount,
    ...(extra.decision ? { decision: decisionView(extra.decision, status) } : {}),
    ...(extra.counts ? { decisions: extra.counts } : {}),
  };
}
