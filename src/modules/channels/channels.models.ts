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
const TIER_NAMES: Record<ChannelTier, string> = { premium: "Premium", vip: "VIP", enterprise: "Enterprise" };
export const tierName = (t: ChannelTier): string => TIER_NAMES[t];

type PostedSignal = Pick<
  SignalRow,
  "instrument" | "side" | "orderType" | "entryPrice" | "stopLoss" | "takeProfit" | "note" | "minTier"
>;

/** The channel post of a signal (HTML): instrument, side, entry, SL, TP and the note. */
export function signalPostText(s: PostedSignal): string {
  const icon = s.side === "buy" ? "🟢" : "🔴";
  const entry =
    s.orderType === "market" ? `market${s.entryPrice ? ` (${s.entryPrice})` : ""}` : price(s.entryPrice);
  const kind = s.orderType === "market" ? "" : ` ${s.orderType.toUpperCase()}`;
  const lines = [
    `${icon} <b>${esc(s.instrument)}</b> ${s.side.toUpperCase()}${kind}`,
    `Entry: ${entry}`,
    `SL: ${price(s.stopLoss)}`,
    `TP: ${price(s.takeProfit)}`,
  ];
  if (s.note) lines.push(`Note: ${esc(s.note)}`);
  return lines.join("\n");
}

type PostedUpdate = Pick<SignalUpdateRow, "action" | "stopLoss" | "takeProfit" | "fraction" | "note">;

/** The reply to a signal's post for one update: what changed, in the post's terms. */
export function updatePostText(u: PostedUpdate, s: Pick<SignalRow, "entryPrice">): string {
  let what: string;
  if (u.action === "close") what = "🏁 Position closed";
  else if (u.action === "close_partial")
    what = `✂️ ${Math.round((u.fraction ?? 0) * 100)}% of the position closed`;
  else {
    const moves: string[] = [];
    if (u.stopLoss !== null)
      moves.push(`SL moved to ${u.stopLoss}${u.stopLoss === s.entryPrice ? " (breakeven)" : ""}`);
    if (u.takeProfit !== null) moves.push(`TP moved to ${u.takeProfit}`);
    what = `🔧 ${moves.join(", ")}`;
  }
  return u.note ? `${what}\nNote: ${esc(u.note)}` : what;
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
): string {
  const steps = history
    .filter((u) => u.action !== "close")
    .map((u) => `• ${updatePostText(u, { entryPrice })}`);
  const close = history.findLast((u) => u.action === "close");
  const outcome = `🏁 <b>Closed</b> ${closedAt.toISOString().slice(0, 16).replace("T", " ")} UTC${
    close?.note ? ` — ${esc(close.note)}` : ""
  }`;
  return [signalPostText(s), ...(steps.length > 0 ? ["", ...steps] : []), "", outcome].join("\n");
}
