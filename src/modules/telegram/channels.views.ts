import { InlineKeyboard } from "grammy";
import { tierName } from "../channels/channels.models";
import type { ChannelRow, ChannelTier } from "../channels/channels.table";
import { escapeHtml } from "./telegram.format";

export interface ChannelAccessItem {
  channel: Pick<ChannelRow, "id" | "title" | "minTier">;
  access: "member" | "invited" | "none";
  inviteLink: string | null;
}

/** One line per linked chat as the person stands: in, invited (link button) or which plan opens it. */
export function channelLines(items: ChannelAccessItem[]): string[] {
  return items.map((i) => {
    const title = `<b>${escapeHtml(i.channel.title)}</b>`;
    if (i.access === "member") return `• ${title}: you are a member`;
    if (i.access === "invited") return `• ${title}: tap the button to ask to join; I approve you at once`;
    return `• ${title}: needs ${tierName(i.channel.minTier)} or higher`;
  });
}

/** A "Join" url button for every chat the person may join now. */
export function joinButtons(items: ChannelAccessItem[], keyboard = new InlineKeyboard()): InlineKeyboard {
  for (const i of items) {
    if (i.access === "invited" && i.inviteLink)
      keyboard.url(`Join ${i.channel.title}`.slice(0, 64), i.inviteLink).row();
  }
  return keyboard;
}

/** The admin's choice of minimum tier for a chat about to be linked. */
export function tierPicker(chatId: number): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const tier of ["premium", "vip", "enterprise"] as const)
    keyboard.text(tierName(tier), `chan:link:${chatId}:${tier}`);
  return keyboard;
}

/** An admin's card of a linked chat, with its switches. */
export function channelCard(c: ChannelRow, members: number): { text: string; keyboard: InlineKeyboard } {
  const state = c.active
    ? "active"
    : `⚠️ inactive: ${escapeHtml(c.inactiveReason ?? "the bot lacks admin rights")}`;
  const text = [
    `📢 <b>${escapeHtml(c.title)}</b> (${c.type})`,
    `Minimum plan: ${tierName(c.minTier)}`,
    `Signal posts: ${c.postSignals ? "on" : "off"}`,
    `Members admitted by the bot: ${members}`,
    `State: ${state}`,
  ].join("\n");
  const keyboard = new InlineKeyboard()
    .text(c.postSignals ? "Turn posts off" : "Turn posts on", `chan:posts:${c.id}`)
    .text("Change tier", `chan:tier:${c.id}`)
    .row()
    .text("Unlink", `chan:unlink:${c.id}`);
  return { text, keyboard };
}

export function tierChanger(id: string): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const tier of ["premium", "vip", "enterprise"] as const)
    keyboard.text(tierName(tier), `chan:set:${id}:${tier}`);
  return keyboard;
}

export const isTier = (t: string): t is ChannelTier => t === "premium" || t === "vip" || t === "enterprise";
