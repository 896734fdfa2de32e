import type { Level } from "../catalog/catalog.models";
import type { SignalRow, SignalUpdateRow } from "../signals/signals.table";
import type { ChannelTier, ChatType } from "./channels.table";

const RANK: Record<Level, number> = { free: 0, premium: 1, vip: 2, enterprise: 3 };

/** Access rule (API.md §12): a person may be in a channel while their tier reaches its minimum. */
export const qualifies = (tier: Level, channelMinTier: ChannelTier): boolean =>
  RANK[tier] >= RANK[channelMinTier];

/** A signal is posted in a channel whose minimum tier is at least the signal's own. */
export const signalGoesTo = (signalMinTier: ChannelTier, channelMinTier: ChannelTier): boolean =>
  RANK[signalMinTier] <= RANK[channelMinTier];

/** The channel tiers a signal of `minTier` is posted in: its own and every higher one. */
export const tiersReceiving = (signalMinTier: ChannelTier): ChannelTier[] =>
  (["premium", "vip", "enterprise"] as const).filter((t) => signalGoesTo(signalMinTier, t));

/** The parts of Telegram's ChatMember the access work reads. */
export interface ChatMemberFacts {
  status: "creator" | "administrator" | "member" | "restricted" | "left" | "kicked";
  is_member?: boolean;
  can_invite_users?: boolean;
  can_restrict_members?: boolean;
  can_post_messages?: boolean;
}

/**
 * The admin rights the bot lacks in a chat: inviting (join-request links, approvals), banning
 * (removals), and in a channel posting (signal posts). Empty means it can do its job there.
 */
export function missingRights(bot: ChatMemberFacts, type: ChatType): string[] {
  if (bot.status === "creator") return [];
  if (bot.status !== "administrator") return ["administrator"];
  const missing: string[] = [];
  if (!bot.can_invite_users) missing.push("can_invite_users");
  if (!bot.can_restrict_members) missing.push("can_restrict_members");
  if (type === "channel" && !bot.can_post_messages) missing.push("can_post_messages");
  return missing;
}

/** Whether a ChatMember is in the chat (a restricted member still is, while `is_member`). */
export const isInChat = (m: Pick<ChatMemberFacts, "status" | "is_member">): boolean =>
  m.status === "member" ||
  m.status === "administrator" ||
  m.status === "creator" ||
  (m.status === "restricted" && m.is_member === true);

/** Chat admins are the operator's staff: the bot never removes them. */
export const isChatAdmin = (m: Pick<ChatMemberFacts, "status">): boolean =>
  m.status === "administrator" || m.status === "creator";

const esc = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
const price = (p: number | null) => (p === null ? "—" : String(p));

/**
 * The words of a post in the channel's language: a catalogue key and its variables in, the text
 * out (the bot's catalogues, given by the composition root). Prices go in as strings, so Fluent
 * does not format them.
 */
export type PostWords = (key: string, variables?: Record<string, string>) => string;

type PostedSignal = Pick<
  SignalRow,
  "instrument" | "side" | "orderType" | "entryPrice" | "stopLoss" | "takeProfit" | "note" | "minTier"
>;

/** The channel post of a signal (HTML): instrument, side, entry, SL, TP and the note. */
export function signalPostText(s: PostedSignal, t: PostWords): string {
  const icon = s.side === "buy" ? "🟢" : "🔴";
  const entry =
    s.orderType !== "market"
      ? price(s.entryPrice)
      : s.entryPrice
        ? t("post-market-at", { price: String(s.entryPrice) })
        : t("post-market");
  const kind = s.orderType === "market" ? "" : ` ${s.orderType.toUpperCase()}`;
  const lines = [
    `${icon} <b>${esc(s.instrument)}</b> ${s.side.toUpperCase()}${kind}`,
    t("post-entry", { entry }),
    t("post-sl", { price: price(s.stopLoss) }),
    t("post-tp", { price: price(s.takeProfit) }),
  ];
  if (s.note) lines.push(t("post-note", { note: esc(s.note) }));
  return lines.join("\n");
}

type PostedUpdate = Pick<SignalUpdateRow, "action" | "stopLoss" | "takeProfit" | "fraction" | "note">;

/** The reply to a signal's post for one update: what changed, in the post's terms. */
export function updatePostText(u: PostedUpdate, s: Pick<SignalRow, "entryPrice">, t: PostWords): string {
  let what: string;
  if (u.action === "close") what = t("post-closed");
  else if (u.action === "close_partial")
    what = t("post-partial", { percent: String(Math.round((u.fraction ?? 0) * 100)) });
  else {
    const moves: string[] = [];
    if (u.stopLoss !== null) {
      const moved = { price: String(u.stopLoss) };
      moves.push(t(u.stopLoss === s.entryPrice ? "post-sl-breakeven" : "post-sl-moved", moved));
    }
    if (u.takeProfit !== null) moves.push(t("post-tp-moved", { price: String(u.takeProfit) }));
    what = `🔧 ${moves.join(", ")}`;
  }
  return u.note ? `${what}\n${t("post-note", { note: esc(u.note) })}` : what;
}

/**
 * The post as it reads once the position is closed: the entry with the final SL/TP, the updates
 * that led there, and the outcome line.
 */
export function outcomePostText(
  s: PostedSignal,
  history: PostedUpdate[],
  closedAt: Date,
  entryPrice: SignalRow["entryPrice"],
  t: PostWords,
): string {
  const steps = history
    .filter((u) => u.action !== "close")
    .map((u) => `• ${updatePostText(u, { entryPrice }, t)}`);
  const close = history.findLast((u) => u.action === "close");
  const at = closedAt.toISOString().slice(0, 16).replace("T", " ");
  const outcome = `${t("post-outcome", { at })}${close?.note ? ` — ${esc(close.note)}` : ""}`;
  return [signalPostText(s, t), ...(steps.length > 0 ? ["", ...steps] : []), "", outcome].join("\n");
}
