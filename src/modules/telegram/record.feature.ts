import type { TrackRecord } from "../track-record/track-record.service";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { escapeHtml } from "./telegram.format";

const signed = (n: number, unit: string) => `${n > 0 ? "+" : ""}${n}${unit}`;

/** The record as a chat message: the figures, then the latest results. */
export function recordText(r: TrackRecord): string {
  if (r.signals === 0)
    return `<b>Track record, last ${r.days} days</b>\nNo closed signals with reported results yet.`;
  const lines = [
    `<b>Track record, last ${r.days} days</b>`,
    `Signals: ${r.signals} (${r.wins} won, ${r.losses} lost${r.breakeven ? `, ${r.breakeven} even` : ""})`,
    `Win rate: ${Math.round(r.winRate * 1000) / 10}%`,
    `Total: ${signed(r.totalPips, " pips")}`,
    `Average: ${r.averageR === null ? "—" : signed(r.averageR, "R")} · max drawdown ${r.maxDrawdownR}R`,
    "",
    ...r.items
      .slice(-5)
      .reverse()
      .map(
        (i) =>
          `• ${escapeHtml(i.instrument)} ${i.side.toUpperCase()}: ${signed(i.pips, " pips")}${i.r === null ? "" : ` (${signed(i.r, "R")})`}`,
      ),
    "",
    "Figures come only from fills and closes the terminals reported.",
  ];
  return lines.join("\n");
}

/** /record [days]: the public track record (GET /api/v1/track-record), 30 days by default. */
export function recordFeature(services: Pick<BotServices, "trackRecord">): BotFeature {
  async function record(ctx: BotContext) {
    const arg = String(ctx.match ?? "").trim();
    const days = arg === "" ? 30 : Number(arg);
    if (!Number.isInteger(days) || days < 1 || days > 365)
      return ctx.reply("Usage: /record [days], 1 to 365 (30 by default).");
    return ctx.reply(recordText(await services.trackRecord.record(days)), { parse_mode: "HTML" });
  }
  return {
    commands: [
      { names: ["record"], summary: "[days] — the verified track record", role: "all", run: record },
    ],
  };
}
