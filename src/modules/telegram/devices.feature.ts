import { InlineKeyboard } from "grammy";
import { describeSettings } from "../devices/devices.settings";
import type { DeviceAccount, DeviceClient } from "../devices/devices.table";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { askFor } from "./telegram.conversations";
import { isRefusal } from "./telegram.errors";
import { escapeHtml, formatTime } from "./telegram.format";
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
export function credentialsText(publicUrl: string, id: string, secret: string, name?: string): string {
  return [
    name
      ? `Device <b>${escapeHtml(name)}</b> is ready.`
      : "The device has a new secret; the old one no longer works.",
    "",
    `Device ID: <code>${id}</code>`,
    `Secret: <code>${secret}</code>`,
    "",
    "<b>This secret is shown only now.</b> Keep it safe; if it leaks, rotate it in /devices.",
    "",
    "<b>Set up your Expert Advisor</b>",
    `0. Get the SignalDesk EA (<code>SignalDesk.mq5</code> and its <code>SignalDesk</code> folder) from your provider; its install guide is <code>${EA_GUIDE}</code>.`,
    `1. In MetaTrader 5: Tools → Options → Expert Advisors → allow WebRequest for <code>${escapeHtml(publicUrl)}</code>.`,
    "2. Copy both into MQL5/Experts, compile SignalDesk.mq5 in MetaEditor and attach it to any chart.",
    `3. In its inputs, set Server URL to <code>${escapeHtml(publicUrl)}</code>, Device ID and Secret as above.`,
    "4. Enable Algo Trading. The device shows as online in /devices within a minute; set lot size, symbols and pause with ⚙️ there.",
  ].join("\n");
}

/** /devices: list, add (asks a name, shows the secret once), rotate, remove; via the devices service. */
export function devicesFeature(
  services: Pick<BotServices, "devices" | "db" | "clock" | "config">,
): BotFeature {
  async function list(ctx: BotContext) {
    const devices = (await services.devices.list(ctx.account.user.id)).filter((d) => !d.revokedAt);
    const keyboard = new InlineKeyboard();
    const lines = devices.length === 0 ? ["You have no devices yet."] : ["<b>Your devices</b>"];
    for (const d of devices) {
      const seen = d.lastSeenAt ? `last seen ${formatTime(d.lastSeenAt)}` : "never connected";
      const settings = await services.devices.settings(ctx.account.user.id, d.id);
      lines.push(
        `${d.online ? "🟢" : "⚪"} <b>${escapeHtml(d.name)}</b> — ${d.online ? "online" : seen}` +
          (settings.paused ? " · ⏸ paused" : ""),
      );
      lines.push(`    ${escapeHtml(describeSettings(settings))}`);
      if (d.account) lines.push(`    ${escapeHtml(accountLine(d.account, d.client))}`);
      keyboard
        .text(`⚙️ ${d.name}`, `ds:${d.id}`)
        .row()
        .text(`🔑 Rotate ${d.name}`, `dev:rot:${d.id}`)
        .text(`🗑 Remove ${d.name}`, `dev:del:${d.id}`)
        .row();
    }
    keyboard.text("➕ Add a device", "dev:add");
    return ctx.reply(lines.join("\n"), { parse_mode: "HTML", reply_markup: keyboard });
  }

  async function askName(ctx: BotContext) {
    const expires = new Date(services.clock.now().getTime() + NAME_WAIT_MS);
    await askFor(services.db, ctx.account.user.telegramId, "device_name", expires);
    return ctx.reply(`Send me a name for the new device (up to ${MAX_NAME} characters), e.g. "London VPS".`);
  }

  async function register(ctx: BotContext, name: string) {
    if (name.length === 0 || name.length > MAX_NAME) {
      await askName(ctx);
      return;
    }
    try {
      const { device, secret } = await services.devices.register(ctx.account.user.id, name);
      await ctx.reply(credentialsText(services.config.publicUrl, device.id, secret, device.name), {
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
    commands: [
      { names: ["devices"], summary: "your MetaTrader devices: add, rotate, remove", role: "all", run: list },
    ],
    install(bot) {
      bot.callbackQuery("dev:add", async (ctx) => {
        await ctx.answerCallbackQuery();
        return askName(ctx);
      });
      bot.callbackQuery(new RegExp(`^dev:rot:(${ID})$`), async (ctx) => {
        const { id, secret } = await services.devices.rotateSecret(ctx.account.user.id, ctx.match[1]!);
        await ctx.answerCallbackQuery({ text: "Secret rotated" });
        return ctx.reply(credentialsText(services.config.publicUrl, id, secret), {
          parse_mode: "HTML",
          protect_content: true,
        });
      });
      bot.callbackQuery(new RegExp(`^dev:del:(${ID})$`), async (ctx) => {
        await services.devices.revoke(ctx.account.user.id, ctx.match[1]!);
        await ctx.answerCallbackQuery({ text: "Device removed" });
        return ctx.reply("The device was removed; its secret no longer works.");
      });
    },
    answers: { device_name: (ctx, name) => register(ctx, name) },
  };
}
