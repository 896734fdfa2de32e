import type { DomainEvents } from "../../shared/events";
import type { SignalUpdateRow } from "../signals/signals.table";
import { pipsBetween } from "../track-record/track-record.models";
import type { BotServices } from "./telegram.context";
import { escapeHtml } from "./telegram.format";
import type { OutgoingMessage } from "./telegram.outbox";
import { chatIdsOf } from "./telegram.recipients";

type Signal = Pick<DomainEvents["signals.updated"]["signal"], "instrument" | "side" | "entryPrice">;

const devicesText = (n: number) => `${n} device${n === 1 ? "" : "s"}`;
const percentOf = (fraction: number | null) => `${Math.round((fraction ?? 0) * 100)}%`;
export const positionHead = (s: Pick<Signal, "instrument" | "side">) =>
  `<b>${escapeHtml(s.instrument)}</b> ${s.side.toUpperCase()}`;
const signedPips = (pips: number) => `${pips > 0 ? "+" : ""}${pips} pips`;

/** What an update asks the devices to do, as a phrase: "SL moved to 1.085 (breakeven)". */
export function updatePhrase(
  u: Pick<SignalUpdateRow, "action" | "stopLoss" | "takeProfit" | "fraction">,
  signal: Pick<Signal, "entryPrice">,
): string {
  if (u.action === "close") return "position closed";
  if (u.action === "close_partial") return `${percentOf(u.fraction)} of the position closed`;
  const moves: string[] = [];
  if (u.stopLoss !== null)
    moves.push(`SL moved to ${u.stopLoss}${u.stopLoss === signal.entryPrice ? " (breakeven)" : ""}`);
  if (u.takeProfit !== null) moves.push(`TP moved to ${u.takeProfit}`);
  return moves.join(", ");
}

/** "🔧 EURUSD BUY: SL moved to 1.0850 on 2 devices", to one holder. */
export function updateText(e: Pick<DomainEvents["signals.updated"], "signal" | "update">, devices: number) {
  const icon = e.update.action === "modify" ? "🔧" : e.update.action === "close" ? "🏁" : "✂️";
  const note = e.update.note ? `\nNote: ${escapeHtml(e.update.note)}` : "";
  return `${icon} ${positionHead(e.signal)}: ${updatePhrase(e.update, e.signal)} on ${devicesText(devices)}.${note}`;
}

export interface ResultFacts {
  signal: Pick<Signal, "instrument" | "side" | "entryPrice">;
  deviceName: string;
  fillPrice: number | null;
  update: Pick<SignalUpdateRow, "action" | "stopLoss" | "takeProfit" | "fraction">;
  status: "applied" | "failed";
  closePrice: number | null;
  errorCode: number | null;
  errorMessage: string | null;
}

/** "✅ EURUSD BUY closed on mt5-main at 1.0912, +42 pips", or why a device could not apply it. */
export function resultText(r: ResultFacts): string {
  const device = `<b>${escapeHtml(r.deviceName)}</b>`;
  const head = positionHead(r.signal);
  if (r.status === "failed") {
    const why = r.errorMessage ? `: ${escapeHtml(r.errorMessage)}` : "";
    const code = r.errorCode !== null ? ` (code ${r.errorCode})` : "";
    return `⚠️ ${device} could not apply "${updatePhrase(r.update, r.signal)}" to ${head}${why}${code}.`;
  }
  if (r.update.action === "modify") return `✅ ${head}: ${updatePhrase(r.update, r.signal)} on ${device}.`;
  const what = r.update.action === "close" ? "closed" : `${percentOf(r.update.fraction)} closed`;
  if (r.closePrice === null) return `✅ ${head} ${what} on ${device}.`;
  const pips =
    r.fillPrice !== null
      ? `, ${signedPips(pipsBetween(r.signal.instrument, r.signal.side, r.fillPrice, r.closePrice))}`
      : "";
  return `✅ ${head} ${what} on ${device} at ${r.closePrice}${pips}.`;
}

/**
 * Tells subscribers about their positions (registered in `telegram.reactions.ts`): one message
 * per update to each user whose devices hold the position, and one per device result.
 */
export function createPositionNotices(deps: {
  services: Pick<BotServices, "db" | "executions">;
  queue(messages: OutgoingMessage[]): Promise<void>;
}) {
  const { services } = deps;

  async function signalUpdated(e: DomainEvents["signals.updated"]) {
    const holders = await services.executions.holdersOf(e.signal.id);
    const byUser = new Map<string, number>();
    for (const h of holders) byUser.set(h.userId, (byUser.get(h.userId) ?? 0) + 1);
    const chats = await chatIdsOf(services.db, [...byUser.keys()]);
    const messages = [...byUser].flatMap(([userId, devices]): OutgoingMessage[] => {
      const chatId = chats.get(userId);
      return chatId === undefined
        ? []
        : [{ chatId, text: updateText(e, devices), dedupeKey: `update:${e.update.id}:${userId}` }];
    });
    for (let i = 0; i < messages.length; i += 500) await deps.queue(messages.slice(i, i + 500));
  }

  async function updateReported(e: DomainEvents["executions.update_reported"]) {
    const facts = await services.executions.resultFacts(e);
    const chatId = (await chatIdsOf(services.db, [e.userId])).get(e.userId);
    if (!facts || chatId === undefined) return;
    await deps.queue([
      { chatId, text: resultText(facts), dedupeKey: `update-result:${e.updateId}:${e.deviceId}` },
    ]);
  }

  return { signalUpdated, updateReported };
}
