import { InlineKeyboard } from "grammy";
import type { SignalView } from "../signals/signals.views";
import { escapeHtml, formatTime } from "./telegram.format";
import type { Translate } from "./telegram.i18n";

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
  t: Translate,
): string {
  const arrow = s.side === "buy" ? "🟢" : "🔴";
  const lines = [
    `${arrow} <b>${escapeHtml(s.instrument)}</b> ${s.side.toUpperCase()} ${s.orderType}`,
    s.orderType === "market" && s.entryPrice === null
      ? t("signal-entry-market")
      : t("signal-entry", { price: num(s.entryPrice) }),
    t("signal-sl-tp", { sl: num(s.stopLoss), tp: num(s.takeProfit) }),
  ];
  if (s.volume !== null) lines.push(t("signal-volume", { volume: String(s.volume) }));
  if (s.note) lines.push(t("signal-note", { note: escapeHtml(s.note) }));
  lines.push(t("signal-expires", { at: formatTime(s.expiresAt) }));
  return lines.join("\n");
}

const OUTCOMES = {
  approved: (t: Translate) => t("signal-outcome-approved"),
  auto: (t: Translate) => t("signal-outcome-auto"),
  rejected: (t: Translate) => t("signal-outcome-rejected"),
  expired: (t: Translate) => t("signal-outcome-expired"),
  cancelled: (t: Translate) => t("signal-outcome-cancelled"),
  closed: (t: Translate) => t("signal-outcome-closed"),
} as const;

export type SignalOutcome = keyof typeof OUTCOMES;

export const decidedText = (s: Parameters<typeof signalText>[0], outcome: SignalOutcome, t: Translate) =>
  `${signalText(s, t)}\n\n${OUTCOMES[outcome](t)}`;

/** `list` marks buttons pressed in the /signals list, whose message is re-rendered as a list. */
export function decisionKeyboard(signalId: string, t: Translate, list = false): InlineKeyboard {
  const suffix = list ? ":l" : "";
  return new InlineKeyboard()
    .text(t("signal-approve"), `sig:ok:${signalId}${suffix}`)
    .text(t("signal-reject"), `sig:no:${signalId}${suffix}`);
}
