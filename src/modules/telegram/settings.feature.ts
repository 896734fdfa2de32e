import { InlineKeyboard } from "grammy";
import { REGIONS, type Region } from "../users/users.models";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";

const REGION_NAMES: Record<Region, string> = {
  GB: "🇬🇧 United Kingdom (GBP)",
  US: "🇺🇸 United States (USD)",
  EU: "🇪🇺 Europe (EUR)",
  ASIA: "🌏 Asia (SGD)",
};

const regionKeyboard = () => {
  const keyboard = new InlineKeyboard();
  for (const region of REGIONS) keyboard.text(REGION_NAMES[region], `region:${region}`).row();
  return keyboard;
};

const autoApproveKeyboard = () =>
  new InlineKeyboard().text("Turn on", "auto:on").text("Turn off", "auto:off");

/** /region and /autoapprove: the profile settings of PATCH /me, through the users service. */
export function settingsFeature(services: Pick<BotServices, "users">): BotFeature {
  async function setAutoApprove(ctx: BotContext, on: boolean) {
    await services.users.updateProfile(ctx.account.user.id, { autoApprove: on });
    return on
      ? "Auto-approve is <b>on</b>: new signals go to your devices without asking you."
      : "Auto-approve is <b>off</b>: I will ask you to approve each signal.";
  }

  return {
    commands: [
      {
        names: ["region"],
        summary: "choose your region (prices and currency)",
        role: "all",
        run: (ctx) => {
          const current = ctx.account.user.region;
          const now = current
            ? `Your region is ${REGION_NAMES[current]}.`
            : "You have not chosen a region yet.";
          return ctx.reply(`${now} Prices are shown in your region's currency.`, {
            reply_markup: regionKeyboard(),
          });
        },
      },
      {
        names: ["autoapprove"],
        summary: "on|off — approve new signals automatically",
        role: "all",
        run: async (ctx) => {
          const arg = String(ctx.match ?? "")
            .trim()
            .toLowerCase();
          if (arg === "on" || arg === "off") {
            return ctx.reply(await setAutoApprove(ctx, arg === "on"), { parse_mode: "HTML" });
          }
          const state = ctx.account.user.autoApprove ? "on" : "off";
          return ctx.reply(`Auto-approve is ${state}. Use /autoapprove on or /autoapprove off.`, {
            reply_markup: autoApproveKeyboard(),
          });
        },
      },
    ],
    install(bot) {
      bot.callbackQuery(/^region:(GB|US|EU|ASIA)$/, async (ctx) => {
        const region = ctx.match[1] as Region;
        await services.users.updateProfile(ctx.account.user.id, { region });
        await ctx.answerCallbackQuery({ text: "Region saved" });
        await ctx.editMessageText(`Your region is now ${REGION_NAMES[region]}. See /shop for prices.`);
      });
      bot.callbackQuery(/^auto:(on|off)$/, async (ctx) => {
        const text = await setAutoApprove(ctx, ctx.match[1] === "on");
        await ctx.answerCallbackQuery();
        await ctx.editMessageText(text, { parse_mode: "HTML" });
      });
    },
  };
}
