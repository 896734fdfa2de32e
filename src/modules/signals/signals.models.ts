import { createHash } from "node:crypto";
import type { FieldError } from "../../shared/errors";
import type { Level } from "../catalog/catalog.models";
import { levelAtLeast, type PaidLevel } from "../catalog/catalog.models";
import type { Features } from "../users/users.models";

export type Side = "buy" | "sell";
export type OrderType = "market" | "limit" | "stop";
export type SignalStatus = "open" | "expired" | "cancelled";
export type PositionStatus = "open" | "closed";
export type UpdateAction = "modify" | "close" | "close_partial";
export type Decision = "pending" | "approved" | "rejected";
export type DecisionView = Decision | "expired";

export const DEFAULT_TTL_SECONDS = 300;
export const INSTRUMENT_PATTERN = /^[A-Z0-9._]{2,20}$/;

/** A publish request after validation and defaults: what a signal is made of. */
export interface SignalInput {
  externalId: string | null;
  instrument: string;
  side: Side;
  orderType: OrderType;
  entryPrice: number | null;
  stopLoss: number | null;
  takeProfit: number | null;
  volume: number | null;
  ttlSeconds: number;
  minTier: PaidLevel;
  note: string | null;
}

export const ENTRY_PRICE_REQUIRED = "is required for limit and stop orders";

/**
 * Price relations of API.md §6: a buy needs stopLoss < entry < takeProfit, a sell the reverse.
 * Without an entry price (market orders) the stop loss must still sit on the losing side of the
 * take profit.
 */
export function priceProblems(input: Omit<SignalInput, "externalId" | "note" | "ttlSeconds" | "minTier">) {
  const problems: FieldError[] = [];
  const { side, entryPrice: entry, stopLoss: sl, takeProfit: tp } = input;
  if (input.orderType !== "market" && entry === null) {
    problems.push({ path: "entryPrice", message: ENTRY_PRICE_REQUIRED });
  }
  const below = side === "buy" ? "below" : "above";
  const above = side === "buy" ? "above" : "below";
  const ordered = (low: number, high: number) => (side === "buy" ? low < high : low > high);
  if (entry !== null && sl !== null && !ordered(sl, entry)) {
    problems.push({ path: "stopLoss", message: `must be ${below} the entry price for a ${side}` });
  }
  if (entry !== null && tp !== null && !ordered(entry, tp)) {
    problems.push({ path: "takeProfit", message: `must be ${above} the entry price for a ${side}` });
  }
  if (entry === null && sl !== null && tp !== null && !ordered(sl, tp)) {
    problems.push({ path: "stopLoss", message: `must be ${below} the take profit for a ${side}` });
  }
  return problems;
}

/** Identifies a publish body regardless of key order, omitted defaults or explicit nulls. */
export function requestHash(input: SignalInput): string {
  const fields = [
    input.externalId,
    input.instrument,
    input.side,
    input.orderType,
    input.entryPrice,
    input.stopLoss,
    input.takeProfit,
    input.volume,
    input.ttlSeconds,
    input.minTier,
    input.note,
  ];
  return createHash("sha256").update(JSON.stringify(fields)).digest("hex");
}

export function signalStatus(s: { expiresAt: Date; cancelledAt: Date | null }, now: Date): SignalStatus {
  if (s.cancelledAt) return "cancelled";
  return now.getTime() >= s.expiresAt.getTime() ? "expired" : "open";
}

/** A decision still pending when the signal closed can no longer be made: it shows as expired. */
export function decisionView(decision: Decision, status: SignalStatus): DecisionView {
  return decision === "pending" && status !== "open" ? "expired" : decision;
}

/** SPEC.md gate: addressed to users whose plan has `signals` and whose tier is at least minTier. */
export function isAddressed(access: { tier: Level; features: Features }, minTier: PaidLevel): boolean {
  return access.features.signals && levelAtLeast(access.tier, minTier);
}

/** Auto-approve needs both the user's switch and a plan that includes it. */
export function autoApproves(autoApproveOn: boolean, features: Features): boolean {
  return autoApproveOn && features.autoApprove;
}

/** An update request after validation (API.md §10). */
export interface UpdateInput {
  action: UpdateAction;
  stopLoss: number | null;
  takeProfit: number | null;
  fraction: number | null;
  externalId: string | null;
  note: string | null;
}

/** The shape rules of an update that need no signal: what each action takes. */
export function updateShapeProblems(input: Omit<UpdateInput, "externalId" | "note">): FieldError[] {
  const problems: FieldError[] = [];
  if (input.action === "modify" && input.stopLoss === null && input.takeProfit === null) {
    problems.push({ path: "stopLoss", message: "modify needs stopLoss and/or takeProfit" });
  }
  if (input.action !== "modify") {
    if (input.stopLoss !== null) problems.push({ path: "stopLoss", message: "is only taken by modify" });
    if (input.takeProfit !== null) problems.push({ path: "takeProfit", message: "is only taken by modify" });
  }
  if (input.action === "close_partial" && input.fraction === null) {
    problems.push({ path: "fraction", message: "close_partial needs a fraction between 0 and 1" });
  }
  if (input.action !== "close_partial" && input.fraction !== null) {
    problems.push({ path: "fraction", message: "is only taken by close_partial" });
  }
  return problems;
}

type Levels = { side: Side; entryPrice: number | null; stopLoss: number | null; takeProfit: number | null };

/**
 * Price sides of a modify, against the signal as it stands: the publishing rules of API.md §6
 * against the entry price, except that a stop loss may sit exactly at the entry (breakeven).
 * Without an entry price the stop loss must stay on the losing side of the take profit.
 */
export function modifyPriceProblems(signal: Levels, input: Pick<UpdateInput, "stopLoss" | "takeProfit">) {
  const problems: FieldError[] = [];
  const { side, entryPrice: entry } = signal;
  const sl = input.stopLoss ?? signal.stopLoss;
  const tp = input.takeProfit ?? signal.takeProfit;
  const buy = side === "buy";
  const below = buy ? "below" : "above";
  const above = buy ? "above" : "below";
  if (entry !== null && input.stopLoss !== null && (buy ? input.stopLoss > entry : input.stopLoss < entry)) {
    problems.push({ path: "stopLoss", message: `must be ${below} (or at) the entry price for a ${side}` });
  }
  if (
    entry !== null &&
    input.takeProfit !== null &&
    (buy ? input.takeProfit <= entry : input.takeProfit >= entry)
  ) {
    problems.push({ path: "takeProfit", message: `must be ${above} the entry price for a ${side}` });
  }
  if (problems.length === 0 && sl !== null && tp !== null && (buy ? sl >= tp : sl <= tp)) {
    const path = input.stopLoss !== null ? "stopLoss" : "takeProfit";
    problems.push({ path, message: `the stop loss must be ${below} the take profit for a ${side}` });
  }
  return problems;
}

/** Identifies an update body for one signal, whatever the key order or explicit nulls. */
export function updateRequestHash(signalId: string, input: UpdateInput): string {
  const fields = [
    signalId,
    input.action,
    input.stopLoss,
    input.takeProfit,
    input.fraction,
    input.externalId,
    input.note,
  ];
  return createHash("sha256").update(JSON.stringify(fields)).digest("hex");
}
