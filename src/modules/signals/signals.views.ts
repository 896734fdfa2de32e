import {
  type Decision,
  type DecisionView,
  decisionView,
  type SignalStatus,
  signalStatus,
} from "./signals.models";
import type { SignalRow } from "./signals.table";

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
  extra: { decision?: Decision | null; counts?: Record<Decision, number> } = {},
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
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    recipients: row.recipientCount,
    ...(extra.decision ? { decision: decisionView(extra.decision, status) } : {}),
    ...(extra.counts ? { decisions: extra.counts } : {}),
  };
}
