import { InlineKeyboard } from "grammy";
import { describeSettings } from "../devices/devices.settings";
import type { DeviceAccount, DeviceClient } from "../devices/devices.table";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { askFor } from "./telegram.conversations";
import { isRefusal } from "./telegram.errors";
import { escapeHtml, formatTime } from "./telegram.format";
import type { Translate } from "./telegram.i18n";
import { ID } from "./telegram.models";

/** "MT5 51234567 on ICMarketsSC-Demo (USD, 1:500) · SignalDesk.mq5 1.0.0": what the EA said in its hello. */
export function accountLine(account: DeviceAccount, client: DeviceClient | null): string {
  const extras = [account.currency, account.leverage ? `1:${account.leverage}` : null].filter(Boolean);
  return (
    `MT5 ${account.login} on ${account.server}` +
    (extras.length > 0 ? ` (${extras.join(", ")})` : "") +
    (client ? ` · ${client.name} ${client.version}` : "")
  );
}

/** Where the EA's install guide lives in the signaldesk distribution. */
export const EA_GUIDE = "clients/mt5/README.md";

/** How long the bot waits for the name of a device it asked for. */
const NAME_WAIT_MS = 10 * 60_000;
const MAX_NAME = 64;

/** The one message that ever shows a device's secret: how to put it into the Expert Advisor. */
export function credentialsText(
  t: Translate,
  publicUrl: string,
  id: string,
  secret: string,
  name?: string,
): string {
  const url = escapeHtml(publicUrl);
  return [
    name ? t("device-ready", { name: escapeHtml(name) }) : t("device-rotated"),
    "",
    t("device-id", { id }),
    t("device-secret", { secret }),
    "",
    t("device-secret-once"),
    "",
    t("device-setup-title"),
    t("device-setup-0", { guide: EA_GUIDE }),
    t("device-setup-1", { url }),
    t("device-setup-2"),
    t("device-setup-3", { url }),
    t("device-setup-4"),
  ].join("\n");
}

/** /devices: list, add (asks a name, shows the secret once), rotate, remove; via the devices service. */
export function devicesFeature(
  services: Pick<BotServices, "devices" | "db" | "clock" | "config">,
): BotFeature {
  async function list(ctx: BotContext) {
    const devices = (await services.devices.list(ctx.account.user.id)).filter((d) => !d.revokedAt);
    const keyboard = new InlineKeyboard();
    const t = ctx.t;
    const lines = devices.length === 0 ? [t("devices-none")] : [t("devices-title")];
    for (const d of devices) {
      const seen = d.lastSeenAt
        ? t("devices-last-seen", { at: formatTime(d.lastSeenAt) })
        : t("devices-never");
      const settings = await services.devices.settings(ctx.account.user.id, d.id);
      lines.push(
        `${d.online ? "🟢" : "⚪"} <b>${escapeHtml(d.name)}</b> — ${d.online ? t("devices-online") : seen}` +
          (settings.paused ? t("devices-paused") : ""),
      );
      lines.push(`    ${escapeHtml(describeSettings(settings))}`);
      if (d.account) lines.push(`    ${escapeHtml(accountLine(d.account, d.client))}`);
      keyboard
        .text(`⚙️ ${d.name}`, `ds:${d.id}`)
        .row()
        .text(t("devices-rotate", { name: d.name }), `dev:rot:${d.id}`)
        .text(t("devices-remove", { name: d.name }), `dev:del:${d.id}`)
        .row();
    }
    keyboard.text(t("devices-add"), "dev:add");
    return ctx.reply(lines.join("\n"), { parse_mode: "HTML", reply_markup: keyboard });
  }

  async function askName(ctx: BotContext) {
    const expires = new Date(services.clock.now().getTime() + NAME_WAIT_MS);
    await askFor(services.db, ctx.account.user.telegramId, "device_name", expires);
    return ctx.reply(ctx.t("devices-ask-name", { max: MAX_NAME }));
  }

  async function register(ctx: BotContext, name: string) {
    if (name.length === 0 || name.length > MAX_NAME) {
      await askName(ctx);
      return;
    }
    try {
      const { device, secret } = await services.devices.register(ctx.account.user.id, name);
      await ctx.reply(credentialsText(ctx.t, services.config.publicUrl, device.id, secret, device.name), {
        parse_mode: "HTML",
        protect_content: true,
      });
    } catch (err) {
      // A taken name deserves another try without starting over.
      if (isRefusal(err) && err.code === "devices.name_taken") await askName(ctx);
      throw err;
    }
  }

  return {
    commands: [{ names: ["devices"], summary: "cmd-devices", role: "all", run: list }],
    install(bot) {
      bot.callbackQuery("dev:add", async (ctx) => {
        await ctx.answerCallbackQuery();
        return askName(ctx);
      });
      bot.callbackQuery(new RegExp(`^dev:rot:(${ID})$`), async (ctx) => {
        const { id, secret } = await services.devices.rotateSecret(ctx.account.user.id, ctx.match[1]!);
        await ctx.answerCallbackQuery({ text: ctx.t("devices-rotated-toast") });
        return ctx.reply(credentialsText(ctx.t, services.config.publicUrl, id, secret), {
          parse_mode: "HTML",
          protect_content: true,
        });
      });
      bot.callbackQuery(new RegExp(`^dev:del:(${ID})$`), async (ctx) => {
        await services.devices.revoke(ctx.account.user.id, ctx.match[1]!);
        await ctx.answerCallbackQuery({ text: ctx.t("devices-removed-toast") });
        return ctx.reply(ctx.t("devices-removed"));
      });
    },
    answers: { device_name: (ctx, name) => register(ctx, name) },
  };
}
