import { InlineKeyboard } from "grammy";
import type { BotContext, BotFeature, CommandSpec } from "./telegram.context";
import { escapeHtml } from "./telegram.format";
import type { Translate } from "./telegram.i18n";

const MENU: [command: string, label: (t: Translate) => string][] = [
  ["shop", (t) => t("menu-shop")],
  ["status", (t) => t("menu-status")],
  ["signals", (t) => t("menu-signals")],
  ["devices", (t) => t("menu-devices")],
  ["affiliate", (t) => t("menu-affiliate")],
  ["help", (t) => t("menu-help")],
];

export function helpText(commands: CommandSpec[], isAdmin: boolean, t: Translate): string {
  const line = (c: CommandSpec) => `/${c.names.join(", /")} — ${t(c.summary)}`;
  const mine = commands.filter((c) => c.role === "all").map(line);
  const admin = commands.filter((c) => c.role === "admin").map(line);
  return [
    t("help-title"),
    ...mine,
    ...(isAdmin && admin.length > 0 ? ["", t("help-admin-title"), ...admin] : []),
  ].join("\n");
}

/** /start and /help: the way in. `commands` is every feature's, for the menu and the help. */
export function startFeature(commands: () => CommandSpec[], publicUrl: string): BotFeature {
  // Telegram opens Mini Apps only from https addresses.
  const miniApp = publicUrl.startsWith("https://") ? `${publicUrl}/app` : undefined;
  const menu = (t: Translate) => {
    const known = new Set(commands().map((c) => c.names[0]));
    const keyboard = new InlineKeyboard();
    if (miniApp) keyboard.webApp(t("menu-open-app"), miniApp).row();
    MENU.filter(([name]) => known.has(name)).forEach(([name, label], i) => {
      keyboard.text(label(t), `menu:${name}`);
      if (i % 2 === 1) keyboard.row();
    });
    return keyboard;
  };

  return {
    commands: [
      {
        names: ["start"],
        summary: "cmd-start",
        role: "all",
        run: (ctx: BotContext) =>
          ctx.reply(
            ctx.t("start-welcome", { name: escapeHtml(ctx.account.user.firstName || ctx.t("start-trader")) }),
            { parse_mode: "HTML", reply_markup: menu(ctx.t) },
          ),
      },
      {
        names: ["help"],
        summary: "cmd-help",
        role: "all",
        groups: true,
        run: (ctx: BotContext) =>
          ctx.reply(helpText(commands(), ctx.account.role === "admin", ctx.t), { parse_mode: "HTML" }),
      },
    ],
  };
}
