import type { TrackRecord } from "../track-record/track-record.service";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { escapeHtml } from "./telegram.format";
import type { Translate } from "./telegram.i18n";

const signed = (n: number, unit = "") => `${n > 0 ? "+" : ""}${n}${unit}`;

/** The record as a chat message: the figures, then the latest results. */
export function recordText(r: TrackRecord, t: Translate): string {
  const title = t("record-title", { days: r.days });
  if (r.signals === 0) return `${title}\n${t("record-empty")}`;
  const pips = (n: number) => t("pips", { pips: signed(n) });
  const lines = [
    title,
    r.breakeven
      ? t("record-signals-even", { signals: r.signals, wins: r.wins, losses: r.losses, even: r.breakeven })
      : t("record-signals", { signals: r.signals, wins: r.wins, losses: r.losses }),
    t("record-win-rate", { rate: String(Math.round(r.winRate * 1000) / 10) }),
    t("record-total", { pips: pips(r.totalPips) }),
    t("record-average", {
      average: r.averageR === null ? "—" : signed(r.averageR, "R"),
      drawdown: String(r.maxDrawdownR),
    }),
    "",
    ...r.items
      .slice(-5)
      .reverse()
      .map(
        (i) =>
          `• ${escapeHtml(i.instrument)} ${i.side.toUpperCase()}: ${pips(i.pips)}${i.r === null ? "" : ` (${signed(i.r, "R")})`}`,
      ),
    "",
    t("record-source"),
  ];
  return lines.join("\n");
}

/** /record [days]: the public track record (GET /api/v1/track-record), 30 days by default. */
export function recordFeature(services: Pick<BotServices, "trackRecord">): BotFeature {
  async function record(ctx: BotContext) {
    const arg = String(ctx.match ?? "").trim();
    const days = arg === "" ? 30 : Number(arg);
    if (!Number.isInteger(days) || days < 1 || days > 365) return ctx.reply(ctx.t("record-usage"));
    return ctx.reply(recordText(await services.trackRecord.record(days), ctx.t), { parse_mode: "HTML" });
  }
  return {
    commands: [{ names: ["record"], summary: "cmd-record", role: "all", groups: true, run: record }],
  };
}
