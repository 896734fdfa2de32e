import { InlineKeyboard } from "grammy";
import { planName } from "../catalog/catalog.models";
import type { ChannelRow, ChannelTier } from "../channels/channels.table";
import { escapeHtml } from "./telegram.format";
import { LOCALES, type Locale, localeOf, NATIVE_NAMES, type Translate } from "./telegram.i18n";

export interface ChannelAccessItem {
  channel: Pick<ChannelRow, "id" | "title" | "minTier">;
  access: "member" | "invited" | "none";
  inviteLink: string | null;
}

/** One line per linked chat as the person stands: in, invited (link button) or which plan opens it. */
export function channelLines(items: ChannelAccessItem[], t: Translate): string[] {
  return items.map((i) => {
    const title = escapeHtml(i.channel.title);
    if (i.access === "member") return t("chan-line-member", { title });
    if (i.access === "invited") return t("chan-line-invited", { title });
    return t("chan-line-none", { title, plan: planName(i.channel.minTier) });
  });
}

/** A "Join" url button for every chat the person may join now. */
export function joinButtons(
  items: ChannelAccessItem[],
  t: Translate,
  keyboard = new InlineKeyboard(),
): InlineKeyboard {
  for (const i of items) {
    if (i.access === "invited" && i.inviteLink)
      keyboard.url(t("chan-join-button", { title: i.channel.title }).slice(0, 64), i.inviteLink).row();
  }
  return keyboard;
}

const TIERS = ["premium", "vip", "enterprise"] as const;

/** The admin's choice of minimum tier for a chat about to be linked. */
export function tierPicker(chatId: number): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const tier of TIERS) keyboard.text(planName(tier), `chan:link:${chatId}:${tier}`);
  return keyboard;
}

/** The language a chat's posts are written in, named in itself. */
export const postLanguage = (c: Pick<ChannelRow, "locale">) => NATIVE_NAMES[localeOf(c.locale, null)];

/** An admin's card of a linked chat, with its switches. */
export function channelCard(
  c: ChannelRow,
  members: number,
  t: Translate,
): { text: string; keyboard: InlineKeyboard } {
  const state = c.active
    ? t("chan-state-active")
    : t("chan-state-inactive", { reason: escapeHtml(c.inactiveReason ?? t("chan-state-no-rights")) });
  const text = [
    t("chan-card", {
      title: escapeHtml(c.title),
      type: c.type,
      plan: planName(c.minTier),
      posts: c.postSignals ? "on" : "off",
      language: postLanguage(c),
      members,
    }),
    state,
  ].join("\n");
  const keyboard = new InlineKeyboard()
    .text(t(c.postSignals ? "chan-btn-posts-off" : "chan-btn-posts-on"), `chan:posts:${c.id}`)
    .text(t("chan-btn-tier"), `chan:tier:${c.id}`)
    .row()
    .text(t("chan-btn-language"), `chan:lang:${c.id}`)
    .text(t("chan-btn-unlink"), `chan:unlink:${c.id}`);
  return { text, keyboard };
}

export function tierChanger(id: string, t: Translate): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const tier of TIERS) keyboard.text(planName(tier), `chan:set:${id}:${tier}`);
  return keyboard.row().text(t("chan-btn-back"), `chan:card:${id}`);
}

/** The languages a chat's posts can be written in. */
export function languageChanger(id: string, t: Translate): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const locale of LOCALES) keyboard.text(NATIVE_NAMES[locale], `chan:locale:${id}:${locale}`);
  return keyboard.row().text(t("chan-btn-back"), `chan:card:${id}`);
}

export const isTier = (t: string): t is ChannelTier => (TIERS as readonly string[]).includes(t);
export const isLocale = (l: string): l is Locale => (LOCALES as readonly string[]).includes(l);
