import { InlineKeyboard } from "grammy";
import type { SignalView } from "../signals/signals.views";
import { escapeHtml, formatTime } from "./telegram.format";

const num = (n: number | null) => (n === null ? "—" : String(n));

/** A signal as a subscriber reads it in a chat. */
export function signalText(
  s: Pick<
    SignalView,
    | "instrument"
    | "side"
    | "orderType"
    | "entryPrice"
    | "stopLoss"
    | "takeProfit"
    | "volume"
    | "note"
    | "expiresAt"
  >,
): string {
  const arrow = s.side === "buy" ? "🟢" : "🔴";
  const lines = [
    `${arrow} <b>${escapeHtml(s.instrument)}</b> ${s.side.toUpperCase()} ${s.orderType}`,
    `Entry: ${s.orderType === "market" && s.entryPrice === null ? "market" : num(s.entryPrice)}`,
    `SL: ${num(s.stopLoss)} · TP: ${num(s.takeProfit)}`,
  ];
  if (s.volume !== null) lines.push(`Volume: ${s.volume} lots`);
  if (s.note) lines.push(`Note: ${escapeHtml(s.note)}`);
  lines.push(`Expires: ${formatTime(s.expiresAt)}`);
  return lines.join("\n");
}

const OUTCOMES = {
  approved: "✅ Approved: sent to your devices.",
  auto: "✅ Auto-approved: sent to your devices.",
  rejected: "❌ Rejected.",
  expired: "⌛ Expired before a decision.",
  cancelled: "🚫 Cancelled by the operator.",
  closed: "🏁 The operator closed this position before you decided.",
} as const;

export type SignalOutcome = keyof typeof OUTCOMES;

export const decidedText = (s: Parameters<typeof signalText>[0], outcome: SignalOutcome) =>
  `${signalText(s)}\n\n${OUTCOMES[outcome]}`;

/** `list` marks buttons pressed in the /signals list, whose message is re-rendered as a list. */
export function decisionKeyboard(signalId: string, list = false): InlineKeyboard {
  const suffix = list ? ":l" : "";
  return new InlineKeyboard()
    .text("✅ Approve", `sig:ok:${signalId}${suffix}`)
    .text("❌ Reject", `sig:no:${signalId}${suffix}`);
}
