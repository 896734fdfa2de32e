import { InlineKeyboard } from "grammy";
import type { BotContext, BotFeature, CommandSpec } from "./telegram.context";
import { escapeHtml } from "./telegram.format";

const MENU: [command: string, label: string][] = [
  ["shop", "🛒 Plans"],
  ["status", "📋 My plan"],
  ["signals", "📈 Signals"],
  ["devices", "🖥 Devices"],
  ["affiliate", "🤝 Affiliate"],
  ["help", "❓ Help"],
];

export function helpText(commands: CommandSpec[], isAdmin: boolean): string {
  const line = (c: CommandSpec) => `/${c.names.join(", /")} — ${c.summary}`;
  const mine = commands.filter((c) => c.role === "all").map(line);
  const admin = commands.filter((c) => c.role === "admin").map(line);
  return [
    "<b>Commands</b>",
    ...mine,
    ...(isAdmin && admin.length > 0 ? ["", "<b>Admin</b>", ...admin] : []),
  ].join("\n");
}

/** /start and /help: the way in. `commands` is every feature's, for the menu and the help. */
export function startFeature(commands: () => CommandSpec[], publicUrl: string): BotFeature {
  // Telegram opens Mini Apps only from https addresses.
  const miniApp = publicUrl.startsWith("https://") ? `${publicUrl}/app` : undefined;
  const menu = () => {
    const known = new Set(commands().map((c) => c.names[0]));
    const keyboard = new InlineKeyboard();
    if (miniApp) keyboard.webApp("📱 Open the app", miniApp).row();
    MENU.filter(([name]) => known.has(name)).forEach(([name, label], i) => {
      keyboard.text(label, `menu:${name}`);
      if (i % 2 === 1) keyboard.row();
    });
    return keyboard;
  };

  return {
    commands: [
      {
        names: ["start"],
        summary: "main menu",
        role: "all",
        run: (ctx: BotContext) =>
          ctx.reply(
            `Welcome, ${escapeHtml(ctx.account.user.firstName || "trader")}! ` +
              "Here you can buy a signals plan, connect your MetaTrader devices and approve signals.",
            { parse_mode: "HTML", reply_markup: menu() },
          ),
      },
      {
        names: ["help"],
        summary: "this list",
        role: "all",
        run: (ctx: BotContext) =>
          ctx.reply(helpText(commands(), ctx.account.role === "admin"), { parse_mode: "HTML" }),
      },
    ],
  };
}
