import { newId } from "../../shared/ids";
import { PublishBody } from "../signals/signals.schemas";
import { businessStats } from "./admin.stats";
import { positionKeyboard } from "./positions.feature";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { escapeHtml, formatMoney } from "./telegram.format";
import { parseSignalCommand } from "./telegram.models";
import type { outboxRepository } from "./telegram.outbox";
import { broadcastToAll } from "./telegram.recipients";

const SIGNAL_USAGE =
  "Usage: /signal EURUSD buy market sl=1.0800 tp=1.0950 ttl=300\n" +
  "Optional: entry=… vol=… tier=premium|vip|enterprise id=… note=free text (last)";

/** Admin commands: /stats, /signal (POST /signals as an admin), /broadcast through the paced outbox. */
export function adminFeature(
  services: Pick<BotServices, "db" | "clock" | "signals" | "audit" | "consoleSessions">,
  outbox: ReturnType<typeof outboxRepository>,
  poke: () => void,
): BotFeature {
  async function stats(ctx: BotContext) {
    const s = await businessStats(services.db, services.clock.now());
    return ctx.reply(
      [
        "<b>signaldesk today</b>",
        `Users: ${s.users}`,
        `Active subscribers: ${s.activeSubscribers}`,
        `Revenue, last 30 days: ${formatMoney(s.revenue30dGbpMinor, "GBP")}`,
        `Devices online: ${s.devicesOnline}`,
        `Signals today (UTC): ${s.signalsToday}`,
      ].join("\n"),
      { parse_mode: "HTML" },
    );
  }

  async function publish(ctx: BotContext) {
    const args = String(ctx.match ?? "").trim();
    if (!args) return ctx.reply(SIGNAL_USAGE);
    const parsed = PublishBody.safeParse(parseSignalCommand(args));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `• ${i.path.join(".") || "signal"}: ${i.message}`);
      return ctx.reply(`That signal is not valid:\n${problems.join("\n")}\n\n${SIGNAL_USAGE}`);
    }
    const { signal } = await services.signals.publish(
      { kind: "admin", userId: ctx.account.user.id },
      parsed.data,
    );
    return ctx.reply(
      `Published <code>${signal.id}</code>: ${escapeHtml(signal.instrument)} ${signal.side.toUpperCase()} ` +
        `${signal.orderType}, to ${signal.recipients} recipient(s).\nManage the position with the buttons below.`,
      { parse_mode: "HTML", reply_markup: positionKeyboard(signal.id) },
    );
  }

  async function broadcast(ctx: BotContext) {
    const text = String(ctx.match ?? "").trim();
    if (!text) return ctx.reply("Usage: /broadcast your message to every user");
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
    return ctx.reply(`Broadcast queued for ${queued} people. It goes out at up to 25 messages per second.`);
  }

  /** A single-use sign-in link to the web console, valid 10 minutes (API §15). */
  async function consoleLink(ctx: BotContext) {
    const link = await services.consoleSessions.createLink(ctx.account.user.id, "bot");
    return ctx.reply(
      `Your sign-in link to the web console (single use, valid 10 minutes):\n${escapeHtml(link.url)}`,
      // A link preview would fetch the link, and the fetch would use it up.
      { parse_mode: "HTML", link_preview_options: { is_disabled: true } },
    );
  }

  return {
    commands: [
      { names: ["console"], summary: "a sign-in link to the web console", role: "admin", run: consoleLink },
      {
        names: ["stats"],
        summary: "users, subscribers, revenue, devices, signals",
        role: "admin",
        run: stats,
      },
      {
        names: ["signal"],
        summary: "EURUSD buy market sl=… tp=… ttl=… — publish",
        role: "admin",
        run: publish,
      },
      { names: ["broadcast"], summary: "TEXT — message every user", role: "admin", run: broadcast },
    ],
  };
}
