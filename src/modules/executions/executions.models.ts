import { exactTotal } from "../../shared/http/exact-json";
import type { SignalUpdateRow } from "../signals/signals.table";
import type { ExecutionEventRow, ExecutionRow, TradeRow, UpdateResultRow } from "./executions.table";

export interface ExecutionView {
  id: string;
  signalId: string;
  deviceId: string;
  status: ExecutionRow["status"];
  price: number | null;
  volume: number | null;
  brokerTicket: string | null;
  errorCode: number | null;
  errorMessage: string | null;
  ackedAt: string;
  filledAt: string | null;
  failedAt: string | null;
  updatedAt: string;
}

export const toExecutionView = (e: ExecutionRow): ExecutionView => ({
  id: e.id,
  signalId: e.signalId,
  deviceId: e.deviceId,
  status: e.status,
  price: e.price,
  volume: e.volume,
  brokerTicket: e.brokerTicket,
  errorCode: e.errorCode,
  errorMessage: e.errorMessage,
  ackedAt: e.ackedAt.toISOString(),
  filledAt: e.filledAt?.toISOString() ?? null,
  failedAt: e.failedAt?.toISOString() ?? null,
  updatedAt: e.updatedAt.toISOString(),
});

export const toEventView = (e: ExecutionEventRow) => ({ type: e.type, at: e.at.toISOString(), ...e.data });

/**
 * A repeated fill is the same fill when price, volume and ticket match; `filledAt` is left out
 * because a retry without it is stamped with the server's time of that retry.
 */
export function sameFill(
  e: ExecutionRow,
  f: { price: number; volume: number; brokerTicket: string },
): boolean {
  return (
    e.status === "filled" && e.price === f.price && e.volume === f.volume && e.brokerTicket === f.brokerTicket
  );
}

export function sameError(e: ExecutionRow, err: { code: number; message: string }): boolean {
  return e.status === "failed" && e.errorCode === err.code && e.errorMessage === err.message;
}

export interface ExecutionSummary {
  recipients: number;
  approved: number;
  acked: number;
  filled: number;
  failed: number;
  updatesApplied: number;
  updatesFailed: number;
}

/** Every execution began with an ACK (explicit or implied), so `acked` counts them all. */
export function summarise(
  list: Pick<ExecutionRow, "status">[],
  recipients: number,
  approved: number,
  results: Pick<UpdateResultRow, "status">[] = [],
): ExecutionSummary {
  return {
    recipients,
    approved,
    acked: list.length,
    filled: list.filter((e) => e.status === "filled").length,
    failed: list.filter((e) => e.status === "failed").length,
    updatesApplied: results.filter((r) => r.status === "applied").length,
    updatesFailed: results.filter((r) => r.status === "failed").length,
  };
}

export interface UpdateResultInput {
  updateId: string;
  status: "applied" | "failed";
  errorCode?: number | null;
  errorMessage?: string | null;
  closedVolume?: number | null;
  closePrice?: number | null;
}

/** A repeated result report is the same report when every field matches the stored one. */
export function sameResult(r: UpdateResultRow, input: UpdateResultInput): boolean {
  return (
    r.status === input.status &&
    r.errorCode === (input.errorCode ?? null) &&
    r.errorMessage === (input.errorMessage ?? null) &&
    r.closedVolume === (input.closedVolume ?? null) &&
    r.closePrice === (input.closePrice ?? null)
  );
}

export const toUpdateResultView = (r: UpdateResultRow) => ({
  updateId: r.updateId,
  signalId: r.signalId,
  deviceId: r.deviceId,
  status: r.status,
  errorCode: r.errorCode,
  errorMessage: r.errorMessage,
  closedVolume: r.closedVolume,
  closePrice: r.closePrice,
  reportedAt: r.reportedAt.toISOString(),
});

/**
 * Each update's state on one device: devices that filled the entry owe a result for every
 * update (pending until reported); other executions never held the position.
 */
export function updatesOnDevice(
  execution: Pick<ExecutionRow, "status" | "deviceId">,
  updates: SignalUpdateRow[],
  results: UpdateResultRow[],
) {
  if (execution.status !== "filled") return [];
  return updates.map((u) => {
    const r = results.find((x) => x.updateId === u.id && x.deviceId === execution.deviceId);
    return {
      updateId: u.id,
      seq: u.seq,
      action: u.action,
      status: r?.status ?? ("pending" as const),
      errorCode: r?.errorCode ?? null,
      errorMessage: r?.errorMessage ?? null,
      closedVolume: r?.closedVolume ?? null,
      closePrice: r?.closePrice ?? null,
      reportedAt: r?.reportedAt.toISOString() ?? null,
    };
  });
}

interface SourceStats {
  trades: number;
  /** Exact: a BigInt once the total passes 2^53 (written as a JSON integer by `exactJson`). */
  profitMinor: number | bigint;
  /** Share of trades closed in profit, 0..1; 0 when there are none. */
  winRate: number;
  /** Profit per currency, since trades of one account may be reported in several. */
  profitByCurrency: Record<string, number | bigint>;
}

/** Sums in BigInt: two trades of 2^53-1 minor units each are still added exactly. */
function statsOf(list: TradeRow[]): SourceStats {
  const byCurrency = new Map<string, bigint>();
  let total = 0n;
  for (const t of list) {
    total += BigInt(t.profitMinor);
    byCurrency.set(t.currency, (byCurrency.get(t.currency) ?? 0n) + BigInt(t.profitMinor));
  }
  const wins = list.filter((t) => t.profitMinor > 0).length;
  return {
    trades: list.length,
    profitMinor: exactTotal(total),
    winRate: list.length === 0 ? 0 : Math.round((wins / list.length) * 10_000) / 10_000,
    profitByCurrency: Object.fromEntries([...byCurrency].map(([c, sum]) => [c, exactTotal(sum)])),
  };
}

/** Bot trades are those linked to a signal; everything else the account holder traded by hand. */
export function attribution(list: TradeRow[]) {
  const bot = list.filter((t) => t.signalId !== null);
  const manual = list.filter((t) => t.signalId === null);
  return {
    bot: statsOf(bot),
    manual: statsOf(manual),
    trades: list.map((t) => ({
      ticket: t.ticket,
      source: t.signalId !== null ? ("bot" as const) : ("manual" as const),
      signalId: t.signalId,
      deviceId: t.deviceId,
      instrument: t.instrument,
      profitMinor: t.profitMinor,
      currency: t.currency,
      closedAt: t.closedAt.toISOString(),
    })),
  };
}
