import { planName } from "../catalog/catalog.models";
import type { Features } from "../users/users.models";
import { channelLines, joinButtons } from "./channels.views";
import { subscriptionsSection } from "./subscriptions.feature";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { formatTime } from "./telegram.format";
import type { Translate } from "./telegram.i18n";

function featureLines(f: Features, t: Translate): string[] {
  return [
    f.signals ? t("status-signals-yes") : t("status-signals-no"),
    t("status-devices", { count: f.maxDevices }),
    f.autoApprove ? t("status-auto-yes") : t("status-auto-no"),
  ];
}

/** /status: what GET /me/entitlements says, with a renew button for the current plan. */
export function statusFeature(
  services: Pick<BotServices, "entitlements" | "clock" | "channels" | "subscriptions" | "catalog" | "orders">,
): BotFeature {
  async function status(ctx: BotContext) {
    const view = await services.entitlements.view(ctx.account.user.id);
    const now = services.clock.now().getTime();
    const periods = view.items
      .filter((p) => new Date(p.expiresAt).getTime() > now)
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    const t = ctx.t;
    const lines = [t("status-plan", { plan: planName(view.tier) }), ...featureLines(view.features, t)];
    if (periods.length > 0) {
      lines.push("", t("status-periods"));
      for (const p of periods) {
        const when = p.active
          ? t("status-until", { at: formatTime(p.expiresAt) })
          : `${formatTime(p.startsAt)} → ${formatTime(p.expiresAt)}`;
        lines.push(`• ${planName(p.level)}: ${when}`);
      }
    }
    const channels = await services.channels.service.forUser(
      ctx.account.user.id,
      ctx.account.user.telegramId,
    );
    const open = channels.filter((c) => c.access !== "none");
    if (open.length > 0) lines.push("", t("chan-status-title"), ...channelLines(open, t));
    const renewing = await subscriptionsSection(services, ctx.account.user.id, t);
    lines.push(...renewing.lines);
    const keyboard = joinButtons(open, t);
    for (const b of renewing.buttons) keyboard.text(b.text, b.data).row();
    const renew = periods.at(-1);
    if (renew) keyboard.text(t("status-renew", { plan: planName(renew.level) }), `shop:t:${renew.tierId}`);
    keyboard.text(periods.length > 0 ? t("status-see-plans") : t("status-buy-plan"), "menu:shop");
    return ctx.reply(lines.join("\n"), { parse_mode: "HTML", reply_markup: keyboard });
  }

  return {
    commands: [{ names: ["status"], summary: "cmd-status", role: "all", run: status }],
  };
}
