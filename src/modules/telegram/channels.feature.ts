import type { Composer } from "grammy";
import { InlineKeyboard } from "grammy";
import type { ChatMemberFacts } from "../channels/channels.models";
import { tierName } from "../channels/channels.models";
import { channelCard, channelLines, isTier, joinButtons, tierChanger, tierPicker } from "./channels.views";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { escapeHtml } from "./telegram.format";
import type { outboxRepository } from "./telegram.outbox";

const LINK_HOW_TO =
  "To link a channel or group: add me there as an administrator that can invite and ban users " +
  "(and post, in a channel), or forward me any message from the channel. I then ask for the minimum plan.";

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
      items.length > 0
        ? ["<b>Channels and groups</b>", ...channelLines(items)]
        : ["No channels are open yet."];
    const keyboard = joinButtons(items);
    if (items.some((i) => i.access === "none")) keyboard.text("See plans", "menu:shop");
    await ctx.reply(lines.join("\n"), { parse_mode: "HTML", reply_markup: keyboard });
    if (ctx.account.role !== "admin") return;
    const linked = await channels.service.list();
    if (linked.length === 0) return ctx.reply(LINK_HOW_TO);
    for (const { channel, members } of linked) {
      const card = channelCard(channel, members);
      await ctx.reply(card.text, { parse_mode: "HTML", reply_markup: card.keyboard });
    }
    return ctx.reply(LINK_HOW_TO);
  }

  /** Offers the tier buttons for a chat the bot can manage, or says what it lacks there. */
  async function offerLink(chatId: number, adminChat: number) {
    const existing = await channels.service.byChatId(chatId);
    if (existing)
      return tell(adminChat, `<b>${escapeHtml(existing.title)}</b> is already linked. See /channels.`);
    try {
      const { chat, missing } = await channels.service.inspect(chatId);
      const title = `<b>${escapeHtml(chat.title ?? String(chatId))}</b>`;
      if (missing.length > 0) {
        return tell(
          adminChat,
          `I cannot manage ${title} yet: make me an administrator with ${missing.join(", ")}.`,
        );
      }
      return tell(adminChat, `Link ${title}? Pick the minimum plan that gives access:`, tierPicker(chatId));
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      return tell(adminChat, `I cannot manage that chat: ${escapeHtml(detail)}`);
    }
  }

  function install(bot: Composer<BotContext>) {
    bot.on("chat_join_request", async (ctx) => {
      const request = ctx.chatJoinRequest;
      const { decision, channel } = await channels.service.decideJoinRequest(
        request.chat.id,
        request.from.id,
      );
      if (!channel || decision === "ignored") return;
      const title = `<b>${escapeHtml(channel.title)}</b>`;
      const key = `join:${channel.id}:${request.from.id}:${request.date}`;
      if (decision === "approved")
        return tell(request.user_chat_id, `✅ You are in ${title}. Welcome!`, undefined, key);
      return tell(
        request.user_chat_id,
        `${title} is for ${tierName(channel.minTier)} subscribers and above. Get a plan and I will let you in.`,
        new InlineKeyboard().text("See plans", "menu:shop"),
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
        await offerLink(update.chat.id, update.from.id);
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
      await offerLink(origin.chat.id, ctx.chat.id);
    });

    bot.callbackQuery(/^chan:link:(-?\d+):([a-z]+)$/, async (ctx) => {
      if (ctx.account.role !== "admin" || !isTier(ctx.match[2]!)) return ctx.answerCallbackQuery();
      const channel = await channels.service.link(
        { id: ctx.account.user.id },
        { chatId: Number(ctx.match[1]), minTier: ctx.match[2], postSignals: true },
      );
      await ctx.answerCallbackQuery({ text: "Linked" });
      const card = channelCard(channel, 0);
      return ctx.editMessageText(card.text, { parse_mode: "HTML", reply_markup: card.keyboard });
    });

    bot.callbackQuery(/^chan:(posts|tier|card|unlink|unlink!):(chn_\w+)$/, async (ctx) => {
      if (ctx.account.role !== "admin") return ctx.answerCallbackQuery();
      const [, action, id] = ctx.match as unknown as [string, string, string];
      const channel = await channels.service.byId(id);
      if (!channel) return ctx.answerCallbackQuery({ text: "That chat is no longer linked." });
      const actor = { id: ctx.account.user.id };
      if (action === "tier") {
        await ctx.answerCallbackQuery();
        return ctx.editMessageReplyMarkup({ reply_markup: tierChanger(id) });
      }
      if (action === "card") {
        await ctx.answerCallbackQuery();
        const card = channelCard(channel, 0);
        return ctx.editMessageText(card.text, { parse_mode: "HTML", reply_markup: card.keyboard });
      }
      if (action === "unlink") {
        await ctx.answerCallbackQuery();
        return ctx.editMessageText(
          `Unlink <b>${escapeHtml(channel.title)}</b>? I stop admitting, removing and posting there; nobody is removed now.`,
          {
            parse_mode: "HTML",
            reply_markup: new InlineKeyboard()
              .text("Yes, unlink", `chan:unlink!:${id}`)
              .text("Keep", `chan:card:${id}`),
          },
        );
      }
      if (action === "unlink!") {
        await channels.service.unlink(actor, id);
        await ctx.answerCallbackQuery({ text: "Unlinked" });
        return ctx.editMessageText(`<b>${escapeHtml(channel.title)}</b> is no longer linked.`, {
          parse_mode: "HTML",
        });
      }
      const updated = await channels.service.update(actor, id, { postSignals: !channel.postSignals });
      await ctx.answerCallbackQuery({ text: updated.postSignals ? "Posts on" : "Posts off" });
      const card = channelCard(updated, 0);
      return ctx.editMessageText(card.text, { parse_mode: "HTML", reply_markup: card.keyboard });
    });

    bot.callbackQuery(/^chan:set:(chn_\w+):([a-z]+)$/, async (ctx) => {
      if (ctx.account.role !== "admin" || !isTier(ctx.match[2]!)) return ctx.answerCallbackQuery();
      const updated = await channels.service.update({ id: ctx.account.user.id }, ctx.match[1]!, {
        minTier: ctx.match[2],
      });
      await ctx.answerCallbackQuery({ text: `Minimum plan: ${tierName(updated.minTier)}` });
      const card = channelCard(updated, 0);
      return ctx.editMessageText(card.text, { parse_mode: "HTML", reply_markup: card.keyboard });
    });
  }

  return {
    commands: [
      {
        names: ["channels"],
        summary: "your channels and groups, with join links",
        role: "all",
        run: showChannels,
      },
    ],
    install,
  };
}

/** The admins' message when the bot lost (or got back) its rights in a linked chat. */
export function botStatusText(e: {
  channel: { title: string };
  change: "deactivated" | "reactivated";
  missing: string[];
}) {
  const title = `<b>${escapeHtml(e.channel.title)}</b>`;
  return e.change === "deactivated"
    ? `⚠️ I lost my admin rights in ${title} (missing: ${e.missing.join(", ")}). Nobody is admitted or removed there until you make me an administrator again.`
    : `✅ My admin rights in ${title} are back: the channel is active again.`;
}
