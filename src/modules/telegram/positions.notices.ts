import type { DomainEvents } from "../../shared/events";
import type { SignalUpdateRow } from "../signals/signals.table";
import { pipsBetween } from "../track-record/track-record.models";
import type { BotServices } from "./telegram.context";
import { escapeHtml } from "./telegram.format";
import type { Locale, Translate } from "./telegram.i18n";
import type { OutgoingMessage } from "./telegram.outbox";
import { recipientsOf } from "./telegram.recipients";

type Signal = Pick<DomainEvents["signals.updated"]["signal"], "instrument" | "side" | "entryPrice">;

const percentOf = (fraction: number | null) => `${Math.round((fraction ?? 0) * 100)}%`;
export const positionHead = (s: Pick<Signal, "instrument" | "side">) =>
  `<b>${escapeHtml(s.instrument)}</b> ${s.side.toUpperCase()}`;
const signedPips = (pips: number, t: Translate) => t("pips", { pips: `${pips > 0 ? "+" : ""}${pips}` });

/** What an update asks the devices to do, as a phrase: "SL moved to 1.085 (breakeven)". */
export function updatePhrase(
  u: Pick<SignalUpdateRow, "action" | "stopLoss" | "takeProfit" | "fraction">,
  signal: Pick<Signal, "entryPrice">,
  t: Translate,
): string {
  if (u.action === "close") return t("upd-closed");
  if (u.action === "close_partial") return t("upd-partial", { percent: percentOf(u.fraction) });
  const moves: string[] = [];
  if (u.stopLoss !== null)
    moves.push(
      u.stopLoss === signal.entryPrice
        ? t("upd-sl-breakeven", { price: String(u.stopLoss) })
        : t("upd-sl", { price: String(u.stopLoss) }),
    );
  if (u.takeProfit !== null) moves.push(t("upd-tp", { price: String(u.takeProfit) }));
  return moves.join(", ");
}

/** "🔧 EURUSD BUY: SL moved to 1.0850 on 2 devices", to one holder. */
export function updateText(
  e: Pick<DomainEvents["signals.updated"], "signal" | "update">,
  devices: number,
  t: Translate,
) {
  const icon = e.update.action === "modify" ? "🔧" : e.update.action === "close" ? "🏁" : "✂️";
  const note = e.update.note ? `\n${t("signal-note", { note: escapeHtml(e.update.note) })}` : "";
  const phrase = updatePhrase(e.update, e.signal, t);
  return `${t("upd-text", { icon, head: positionHead(e.signal), phrase, devices })}${note}`;
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
export function resultText(r: ResultFacts, t: Translate): string {
  const device = `<b>${escapeHtml(r.deviceName)}</b>`;
  const head = positionHead(r.signal);
  const phrase = updatePhrase(r.update, r.signal, t);
  if (r.status === "failed") {
    const why = r.errorMessage ? `: ${escapeHtml(r.errorMessage)}` : "";
    const code = r.errorCode !== null ? t("res-code", { code: String(r.errorCode) }) : "";
    return `${t("res-failed", { device, phrase, head })}${why}${code}.`;
  }
  if (r.update.action === "modify") return t("res-modified", { head, phrase, device });
  const what =
    r.update.action === "close"
      ? t("res-closed")
      : t("res-partial", { percent: percentOf(r.update.fraction) });
  if (r.closePrice === null) return t("res-done", { head, what, device });
  const pips =
    r.fillPrice !== null
      ? `, ${signedPips(pipsBetween(r.signal.instrument, r.signal.side, r.fillPrice, r.closePrice), t)}`
      : "";
  return t("res-done-at", { head, what, device, price: String(r.closePrice), pips });
}

/**
 * Tells subscribers about their positions (registered in `telegram.reactions.ts`): one message
 * per update to each user whose devices hold the position, and one per device result.
 */
export function createPositionNotices(deps: {
  services: Pick<BotServices, "db" | "executions">;
  queue(messages: OutgoingMessage[]): Promise<void>;
  translator(locale: Locale): Translate;
}) {
  const { services } = deps;

  async function signalUpdated(e: DomainEvents["signals.updated"]) {
    const holders = await services.executions.holdersOf(e.signal.id);
    const byUser = new Map<string, number>();
    for (const h of holders) byUser.set(h.userId, (byUser.get(h.userId) ?? 0) + 1);
    const chats = await recipientsOf(services.db, [...byUser.keys()]);
    const messages = [...byUser].flatMap(([userId, devices]): OutgoingMessage[] => {
      const to = chats.get(userId);
      return to === undefined
        ? []
        : [
            {
              chatId: to.chatId,
              text: updateText(e, devices, deps.translator(to.locale)),
              dedupeKey: `update:${e.update.id}:${userId}`,
            },
          ];
    });
    for (let i = 0; i < messages.length; i += 500) await deps.queue(messages.slice(i, i + 500));
  }

  async function updateReported(e: DomainEvents["executions.update_reported"]) {
    const facts = await services.executions.resultFacts(e);
    const to = (await recipientsOf(services.db, [e.userId])).get(e.userId);
    if (!facts || to === undefined) return;
    await deps.queue([
      {
        chatId: to.chatId,
        text: resultText(facts, deps.translator(to.locale)),
        dedupeKey: `update-result:${e.updateId}:${e.deviceId}`,
      },
    ]);
  }

  return { signalUpdated, updateReported };
}
