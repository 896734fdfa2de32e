import type { Composer } from "grammy";
import { InlineKeyboard } from "grammy";
import { planName } from "../catalog/catalog.models";
import type { ChatMemberFacts } from "../channels/channels.models";
import {
  channelCard,
  channelLines,
  isLocale,
  isTier,
  joinButtons,
  languageChanger,
  postLanguage,
  tierChanger,
  tierPicker,
} from "./channels.views";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { escapeHtml } from "./telegram.format";
import type { Translate } from "./telegram.i18n";
import type { outboxRepository } from "./telegram.outbox";

/**
 * Channels and groups in the bot (API.md §12): `/channels` shows each person their personal
 * join-request links, join requests are approved or declined by plan, and admins link chats by
 * adding the bot or forwarding a message, then pick the minimum plan with buttons.
 */
export function channelsFeature(
  services: Pick<BotServices, "channels" | "config" | "logger">,
  outbox: ReturnType<typeof outboxRepository>,
  poke: () => void,
): BotFeature {
  const { channels } = services;
  const isAdminId = (id: number) => services.config.adminTelegramIds.has(id);
  const tell = async (chatId: number, text: string, replyMarkup?: InlineKeyboard, dedupeKey?: string) => {
    if ((await outbox.enqueue([{ chatId, text, replyMarkup, dedupeKey }])) > 0) poke();
  };

  async function showChannels(ctx: BotContext) {
    const items = await channels.service.forUser(ctx.account.user.id, ctx.account.user.telegramId);
    const lines =
      items.length > 0 ? [ctx.t("chan-title"), ...channelLines(items, ctx.t)] : [ctx.t("chan-none-open")];
    const keyboard = joinButtons(items, ctx.t);
    if (items.some((i) => i.access === "none")) keyboard.text(ctx.t("chan-see-plans"), "menu:shop");
    await ctx.reply(lines.join("\n"), { parse_mode: "HTML", reply_markup: keyboard });
    if (ctx.account.role !== "admin") return;
    const linked = await channels.service.list();
    for (const { channel, members } of linked) {
      const card = channelCard(channel, members, ctx.t);
      await ctx.reply(card.text, { parse_mode: "HTML", reply_markup: card.keyboard });
    }
    return ctx.reply(ctx.t("chan-link-how-to"));
  }

  /** Offers the tier buttons for a chat the bot can manage, or says what it lacks there. */
  async function offerLink(chatId: number, adminChat: number, t: Translate) {
    const existing = await channels.service.byChatId(chatId);
    if (existing) return tell(adminChat, t("chan-already-linked", { title: escapeHtml(existing.title) }));
    try {
      const { chat, missing } = await channels.service.inspect(chatId);
      const title = escapeHtml(chat.title ?? String(chatId));
      if (missing.length > 0)
        return tell(adminChat, t("chan-cannot-manage-yet", { title, missing: missing.join(", ") }));
      return tell(adminChat, t("chan-link-ask", { title }), tierPicker(chatId));
    } catch (err) {
      const reason = escapeHtml(err instanceof Error ? err.message : String(err));
      return tell(adminChat, t("chan-cannot-manage", { reason }));
    }
  }

  const showCard = async (ctx: BotContext, id: string) => {
    const channel = await channels.service.byId(id);
    if (!channel) return ctx.editMessageText(ctx.t("chan-gone"));
    const card = channelCard(channel, await channels.service.memberCount(id), ctx.t);
    return ctx.editMessageText(card.text, { parse_mode: "HTML", reply_markup: card.keyboard });
  };

  function install(bot: Composer<BotContext>) {
    bot.on("chat_join_request", async (ctx) => {
      const request = ctx.chatJoinRequest;
      const { decision, channel } = await channels.service.decideJoinRequest(
        request.chat.id,
        request.from.id,
      );
      if (!channel || decision === "ignored") return;
      const title = escapeHtml(channel.title);
      const key = `join:${channel.id}:${request.from.id}:${request.date}`;
      if (decision === "approved")
        return tell(request.user_chat_id, ctx.t("chan-join-approved", { title }), undefined, key);
      return tell(
        request.user_chat_id,
        ctx.t("chan-join-declined", { title, plan: planName(channel.minTier) }),
        new InlineKeyboard().text(ctx.t("chan-see-plans"), "menu:shop"),
        key,
      );
    });

    bot.on("my_chat_member", async (ctx) => {
      const update = ctx.myChatMember;
      if (update.chat.type === "private") return;
      const me = update.new_chat_member as unknown as ChatMemberFacts;
      const linked = await channels.service.byChatId(update.chat.id);
      if (linked) {
        await channels.service.botStatusChanged(update.chat.id, me);
        return;
      }
      if (me.status === "administrator" && isAdminId(update.from.id))
        await offerLink(update.chat.id, update.from.id, ctx.t);
    });

    bot.on("chat_member", async (ctx) => {
      const update = ctx.chatMember;
      const channel = await channels.service.byChatId(update.chat.id);
      if (!channel) return;
      const member = update.new_chat_member as unknown as ChatMemberFacts & {
        user: { id: number; is_bot: boolean };
      };
      if (member.user.is_bot) return;
      await channels.service.memberSeen(channel, member.user.id, member);
      await channels.access.sweep(member.user.id);
      await channels.jobs.runNow("access");
    });

    bot.chatType("private").on("message:forward_origin", async (ctx, next) => {
      const origin = ctx.message.forward_origin;
      if (origin.type !== "channel" || ctx.account.role !== "admin") return next();
      await offerLink(origin.chat.id, ctx.chat.id, ctx.t);
    });

    bot.callbackQuery(/^chan:link:(-?\d+):([a-z]+)$/, async (ctx) => {
      if (ctx.account.role !== "admin" || !isTier(ctx.match[2]!)) return ctx.answerCallbackQuery();
      const channel = await channels.service.link(
        { id: ctx.account.user.id },
        { chatId: Number(ctx.match[1]), minTier: ctx.match[2], postSignals: true },
      );
      await ctx.answerCallbackQuery({ text: ctx.t("chan-linked-toast") });
      const card = channelCard(channel, 0, ctx.t);
      return ctx.editMessageText(card.text, { parse_mode: "HTML", reply_markup: card.keyboard });
    });

    bot.callbackQuery(/^chan:(posts|tier|lang|card|unlink|unlink!):(chn_\w+)$/, async (ctx) => {
      if (ctx.account.role !== "admin") return ctx.answerCallbackQuery();
      const [, action, id] = ctx.match as unknown as [string, string, string];
      const channel = await channels.service.byId(id);
      if (!channel) return ctx.answerCallbackQuery({ text: ctx.t("chan-gone") });
      const actor = { id: ctx.account.user.id };
      const title = escapeHtml(channel.title);
      if (action === "tier" || action === "lang") {
        await ctx.answerCallbackQuery();
        const choices = action === "tier" ? tierChanger(id, ctx.t) : languageChanger(id, ctx.t);
        return ctx.editMessageReplyMarkup({ reply_markup: choices });
      }
      if (action === "card") {
        await ctx.answerCallbackQuery();
        return showCard(ctx, id);
      }
      if (action === "unlink") {
        await ctx.answerCallbackQuery();
        return ctx.editMessageText(ctx.t("chan-unlink-ask", { title }), {
          parse_mode: "HTML",
          reply_markup: new InlineKeyboard()
            .text(ctx.t("chan-unlink-yes"), `chan:unlink!:${id}`)
            .text(ctx.t("chan-unlink-keep"), `chan:card:${id}`),
        });
      }
      if (action === "unlink!") {
        // The delete settles a double tap: the second press finds no channel to unlink.
        const { linksRevoked, linksLeft } = await channels.service.unlink(actor, id);
        await ctx.answerCallbackQuery({ text: ctx.t("chan-unlinked-toast") });
        const said = [ctx.t("chan-unlinked", { title, revoked: linksRevoked })];
        if (linksLeft > 0) said.push(ctx.t("chan-unlinked-links-left", { left: linksLeft }));
        return ctx.editMessageText(said.join("\n"), { parse_mode: "HTML" });
      }
      const updated = await channels.service.update(actor, id, { postSignals: !channel.postSignals });
      await ctx.answerCallbackQuery({
        text: ctx.t(updated.postSignals ? "chan-posts-on-toast" : "chan-posts-off-toast"),
      });
      return showCard(ctx, id);
    });

    bot.callbackQuery(/^chan:set:(chn_\w+):([a-z]+)$/, async (ctx) => {
      if (ctx.account.role !== "admin" || !isTier(ctx.match[2]!)) return ctx.answerCallbackQuery();
      const updated = await channels.service.update({ id: ctx.account.user.id }, ctx.match[1]!, {
        minTier: ctx.match[2],
      });
      await ctx.answerCallbackQuery({
        text: ctx.t("chan-min-plan-toast", { plan: planName(updated.minTier) }),
      });
      return showCard(ctx, updated.id);
    });

    bot.callbackQuery(/^chan:locale:(chn_\w+):([a-z]+)$/, async (ctx) => {
      if (ctx.account.role !== "admin" || !isLocale(ctx.match[2]!)) return ctx.answerCallbackQuery();
      const updated = await channels.service.update({ id: ctx.account.user.id }, ctx.match[1]!, {
        locale: ctx.match[2],
      });
      await ctx.answerCallbackQuery({
        text: ctx.t("chan-language-toast", { language: postLanguage(updated) }),
      });
      return showCard(ctx, updated.id);
    });
  }

  return {
    commands: [{ names: ["channels"], summary: "cmd-channels", role: "all", run: showChannels }],
    install,
  };
}

/** The admins' message when the bot lost (or got back) its rights in a linked chat. */
export function botStatusText(
  e: { channel: { title: string }; change: "deactivated" | "reactivated"; missing: string[] },
  t: Translate,
) {
  const title = escapeHtml(e.channel.title);
  return e.change === "deactivated"
    ? t("chan-rights-lost", { title, missing: e.missing.join(", ") })
    : t("chan-rights-back", { title });
}
