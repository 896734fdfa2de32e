import { InlineKeyboard } from "grammy";
import { REGION_CODES, type RegionCode } from "../pricing/pricing.models";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import type { Translate } from "./telegram.i18n";

const REGION_NAMES: Record<RegionCode, (t: Translate) => string> = {
  GB: (t) => t("region-gb"),
  US: (t) => t("region-us"),
  EU: (t) => t("region-eu"),
  ASIA: (t) => t("region-asia"),
};

const regionKeyboard = (t: Translate) => {
  const keyboard = new InlineKeyboard();
  for (const region of REGION_CODES) keyboard.text(REGION_NAMES[region](t), `region:${region}`).row();
  return keyboard;
};

const autoApproveKeyboard = (t: Translate) =>
  new InlineKeyboard().text(t("auto-turn-on"), "auto:on").text(t("auto-turn-off"), "auto:off");

/** /region and /autoapprove: the profile settings of PATCH /me, through the users service. */
export function settingsFeature(services: Pick<BotServices, "users">): BotFeature {
  async function setAutoApprove(ctx: BotContext, on: boolean) {
    await services.users.updateProfile(ctx.account.user.id, { autoApprove: on });
    return on ? ctx.t("auto-now-on") : ctx.t("auto-now-off");
  }

  return {
    commands: [
      {
        names: ["region"],
        summary: "cmd-region",
        role: "all",
        run: (ctx) => {
          const current = ctx.account.user.region;
          const now = current
            ? ctx.t("region-current", { region: REGION_NAMES[current](ctx.t) })
            : ctx.t("region-none");
          return ctx.reply(`${now} ${ctx.t("region-explain")}`, { reply_markup: regionKeyboard(ctx.t) });
        },
      },
      {
        names: ["autoapprove"],
        summary: "cmd-autoapprove",
        role: "all",
        run: async (ctx) => {
          const arg = String(ctx.match ?? "")
            .trim()
            .toLowerCase();
          if (arg === "on" || arg === "off") {
            return ctx.reply(await setAutoApprove(ctx, arg === "on"), { parse_mode: "HTML" });
          }
          return ctx.reply(ctx.account.user.autoApprove ? ctx.t("auto-is-on") : ctx.t("auto-is-off"), {
            reply_markup: autoApproveKeyboard(ctx.t),
          });
        },
      },
    ],
    install(bot) {
      bot.callbackQuery(/^region:(GB|US|EU|ASIA)$/, async (ctx) => {
        const region = ctx.match[1] as RegionCode;
        await services.users.updateProfile(ctx.account.user.id, { region });
        await ctx.answerCallbackQuery({ text: ctx.t("region-saved-toast") });
        await ctx.editMessageText(ctx.t("region-saved", { region: REGION_NAMES[region](ctx.t) }));
      });
      bot.callbackQuery(/^auto:(on|off)$/, async (ctx) => {
        const text = await setAutoApprove(ctx, ctx.match[1] === "on");
        await ctx.answerCallbackQuery();
        await ctx.editMessageText(text, { parse_mode: "HTML" });
      });
    },
  };
}
