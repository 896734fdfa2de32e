import { newId } from "../../shared/ids";
import { PublishBody } from "../signals/signals.schemas";
import { businessStats } from "./admin.stats";
import { positionKeyboard } from "./positions.feature";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { escapeHtml, formatMoney } from "./telegram.format";
import { parseSignalCommand } from "./telegram.models";
import type { outboxRepository } from "./telegram.outbox";
import { broadcastToAll } from "./telegram.recipients";

/** Admin commands: /stats, /signal (POST /signals as an admin), /broadcast through the paced outbox. */
export function adminFeature(
  services: Pick<BotServices, "db" | "clock" | "signals" | "audit" | "consoleSessions">,
  outbox: ReturnType<typeof outboxRepository>,
  poke: () => void,
): BotFeature {
  async function stats(ctx: BotContext) {
    const s = await businessStats(services.db, services.clock.now());
    return ctx.reply(
      ctx.t("stats-text", {
        users: s.users,
        subscribers: s.activeSubscribers,
        revenue: formatMoney(s.revenue30dGbpMinor, "GBP"),
        devices: s.devicesOnline,
        signals: s.signalsToday,
      }),
      { parse_mode: "HTML" },
    );
  }

  async function publish(ctx: BotContext) {
    const args = String(ctx.match ?? "").trim();
    if (!args) return ctx.reply(ctx.t("signal-usage"));
    const parsed = PublishBody.safeParse(parseSignalCommand(args));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `• ${i.path.join(".") || "signal"}: ${i.message}`);
      return ctx.reply(`${ctx.t("signal-invalid")}\n${problems.join("\n")}\n\n${ctx.t("signal-usage")}`);
    }
    const { signal } = await services.signals.publish(
      { kind: "admin", userId: ctx.account.user.id },
      parsed.data,
    );
    return ctx.reply(
      ctx.t("signal-published", {
        id: signal.id,
        instrument: escapeHtml(signal.instrument),
        side: signal.side.toUpperCase(),
        type: signal.orderType,
        recipients: signal.recipients,
      }),
      { parse_mode: "HTML", reply_markup: positionKeyboard(signal.id, ctx.t) },
    );
  }

  async function broadcast(ctx: BotContext) {
    const text = String(ctx.match ?? "").trim();
    if (!text) return ctx.reply(ctx.t("broadcast-usage"));
    const id = newId("bcs", services.clock.now().getTime());
    const queued = await broadcastToAll(services.db, outbox, poke, id, escapeHtml(text));
    await services.audit.record({
      actorId: ctx.account.user.id,
      actorKind: "admin",
      action: "telegram.broadcast",
      subjectType: "broadcast",
      subjectId: id,
      data: { recipients: queued, length: text.length },
    });
    return ctx.reply(ctx.t("broadcast-queued", { count: queued }));
  }

  /** A single-use sign-in link to the web console, valid 10 minutes (API §15). */
  async function consoleLink(ctx: BotContext) {
    const link = await services.consoleSessions.createLink(ctx.account.user.id, "bot");
    return ctx.reply(
      ctx.t("console-link", { url: escapeHtml(link.url) }),
      // A link preview would fetch the link, and the fetch would use it up.
      { parse_mode: "HTML", link_preview_options: { is_disabled: true } },
    );
  }

  return {
    commands: [
      { names: ["console"], summary: "cmd-console", role: "admin", run: consoleLink },
      {
        names: ["stats"],
        summary: "cmd-stats",
        role: "admin",
        run: stats,
      },
      {
        names: ["signal"],
        summary: "cmd-signal",
        role: "admin",
        run: publish,
      },
      { names: ["broadcast"], summary: "cmd-broadcast", role: "admin", run: broadcast },
    ],
  };
}
