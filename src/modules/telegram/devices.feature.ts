import { InlineKeyboard } from "grammy";
import { describeSettings } from "../devices/devices.settings";
import type { DeviceAccount, DeviceClient } from "../devices/devices.table";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { askFor } from "./telegram.conversations";
import { isRefusal } from "./telegram.errors";
import { escapeHtml, formatTime } from "./telegram.format";
import type { Translate } from "./telegram.i18n";
import { ID } from "./telegram.models";
import { firstPress } from "./telegram.presses";

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
  /** The person's devices with their buttons: the /devices message, and what No goes back to. */
  async function listView(ctx: BotContext): Promise<{ text: string; keyboard: InlineKeyboard }> {
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
    return { text: lines.join("\n"), keyboard };
  }

  async function list(ctx: BotContext) {
    const { text, keyboard } = await listView(ctx);
    return ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
  }

  /** Rotate and Remove ask first, in place of the list; No brings the list back. */
  async function confirm(ctx: BotContext, action: "rot" | "del", id: string) {
    const device = await services.devices.get(ctx.account.user.id, id);
    await ctx.answerCallbackQuery();
    const name = escapeHtml(device.name);
    return ctx.editMessageText(
      ctx.t(action === "rot" ? "devices-rotate-ask" : "devices-remove-ask", { name }),
      {
        parse_mode: "HTML",
        reply_markup: new InlineKeyboard()
          .text(ctx.t(action === "rot" ? "devices-rotate-yes" : "devices-remove-yes"), `dev:${action}!:${id}`)
          .text(ctx.t("devices-no"), "dev:list"),
      },
    );
  }

  /**
   * Yes, once: the press is settled in the database, so a double tap rotates once (a second
   * rotation would void the secret just shown) and removes once.
   */
  async function confirmed(ctx: BotContext, action: "rot" | "del", id: string) {
    const device = await services.devices.get(ctx.account.user.id, id);
    if (!(await firstPress(services.db, ctx, `dev:${action}!`, services.clock.now())))
      return ctx.answerCallbackQuery({ text: ctx.t("devices-already-done") });
    const name = escapeHtml(device.name);
    if (action === "del") {
      await services.devices.revoke(ctx.account.user.id, id);
      await ctx.answerCallbackQuery({ text: ctx.t("devices-removed-toast") });
      return ctx.editMessageText(ctx.t("devices-removed-named", { name }), { parse_mode: "HTML" });
    }
    const { secret } = await services.devices.rotateSecret(ctx.account.user.id, id);
    await ctx.answerCallbackQuery({ text: ctx.t("devices-rotated-toast") });
    await ctx.editMessageText(ctx.t("devices-rotated-below", { name }), { parse_mode: "HTML" });
    return ctx.reply(credentialsText(ctx.t, services.config.publicUrl, id, secret), {
      parse_mode: "HTML",
      protect_content: true,
    });
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
      bot.callbackQuery(new RegExp(`^dev:(rot|del):(${ID})$`), (ctx) =>
        confirm(ctx, ctx.match[1] as "rot" | "del", ctx.match[2]!),
      );
      bot.callbackQuery(new RegExp(`^dev:(rot|del)!:(${ID})$`), (ctx) =>
        confirmed(ctx, ctx.match[1] as "rot" | "del", ctx.match[2]!),
      );
      bot.callbackQuery("dev:list", async (ctx) => {
        await ctx.answerCallbackQuery();
        const { text, keyboard } = await listView(ctx);
        return ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: keyboard });
      });
    },
    answers: { device_name: (ctx, name) => register(ctx, name) },
  };
}
