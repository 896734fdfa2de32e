import { InlineKeyboard } from "grammy";
import type { Features } from "../users/users.models";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { formatTime } from "./telegram.format";

const LEVEL_NAMES: Record<string, string> = {
  free: "Free",
  premium: "Premium",
  vip: "VIP",
  enterprise: "Enterprise",
};

function featureLines(f: Features): string[] {
  return [
    `• Signals: ${f.signals ? "yes" : "no"}`,
    `• Devices: up to ${f.maxDevices}`,
    `• Auto-approve: ${f.autoApprove ? "available" : "not included"}`,
  ];
}

/** /status: what GET /me/entitlements says, with a renew button for the current plan. */
export function statusFeature(services: Pick<BotServices, "entitlements" | "clock">): BotFeature {
  async function status(ctx: BotContext) {
    const view = await services.entitlements.view(ctx.account.user.id);
    const now = services.clock.now().getTime();
    const periods = view.items
      .filter((p) => new Date(p.expiresAt).getTime() > now)
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    const lines = [
      `Your plan: <b>${LEVEL_NAMES[view.tier] ?? view.tier}</b>`,
      ...featureLines(view.features),
    ];
    if (periods.length > 0) {
      lines.push("", "<b>Periods</b>");
      for (const p of periods) {
        const when = p.active
          ? `until ${formatTime(p.expiresAt)}`
          : `${formatTime(p.startsAt)} → ${formatTime(p.expiresAt)}`;
        lines.push(`• ${LEVEL_NAMES[p.level] ?? p.level}: ${when}`);
      }
    }
    const keyboard = new InlineKeyboard();
    const renew = periods.at(-1);
    if (renew) keyboard.text(`Renew ${LEVEL_NAMES[renew.level] ?? renew.level}`, `shop:t:${renew.tierId}`);
    keyboard.text(periods.length > 0 ? "See plans" : "Buy a plan", "menu:shop");
    return ctx.reply(lines.join("\n"), { parse_mode: "HTML", reply_markup: keyboard });
  }

  return {
    commands: [
      { names: ["status"], summary: "your plan, features and expiry dates", role: "all", run: status },
    ],
  };
}
