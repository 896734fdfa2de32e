import type { Update } from "grammy/types";

/** The kind of an update is the one field Telegram sets besides update_id. */
export function updateKind(update: Update): string {
  for (const key of Object.keys(update)) if (key !== "update_id") return key;
  return "unknown";
}

export interface UpdateSender {
  id: number;
  isBot: boolean;
}

/** Who caused the update, for every update kind that has a person (or bot) behind it. */
export function updateSender(update: Update): UpdateSender | undefined {
  const from =
    update.message?.from ??
    update.edited_message?.from ??
    update.callback_query?.from ??
    update.pre_checkout_query?.from ??
    update.shipping_query?.from ??
    update.inline_query?.from ??
    update.chosen_inline_result?.from ??
    update.my_chat_member?.from ??
    update.chat_member?.from ??
    update.chat_join_request?.from ??
    update.poll_answer?.user ??
    update.message_reaction?.user ??
    update.purchased_paid_media?.from;
  // Only the secret token vouches for the body; a sender id that is not an integer identifies nobody.
  if (!from || !Number.isSafeInteger(from.id)) return undefined;
  return { id: from.id, isBot: from.is_bot === true };
}

/**
 * Which updates must be handled one after another: everything one person does (messages,
 * buttons, join requests, the pre-checkout and the payment that follows it) in the order it came,
 * so an answer never overtakes its question nor a payment its pre-checkout. Updates without a
 * person (a channel's posts) keep their chat's order; anything else stands alone.
 */
export function orderKey(update: Update): string {
  const sender = updateSender(update);
  if (sender) return `user:${sender.id}`;
  const chat =
    update.channel_post?.chat ??
    update.edited_channel_post?.chat ??
    update.message?.chat ??
    update.my_chat_member?.chat ??
    update.chat_member?.chat;
  return chat ? `chat:${chat.id}` : `update:${update.update_id}`;
}

const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,64}))?(?:\s|$)/;

/**
 * The command a message carries, lower-cased, without `@botname`. A command addressed to
 * another bot (`/help@otherbot` in a group) is not ours.
 */
export function commandOf(text: string | undefined, botUsername: string): string | undefined {
  const match = text ? COMMAND.exec(text) : null;
  if (!match) return undefined;
  if (match[2] && match[2].toLowerCase() !== botUsername.toLowerCase()) return undefined;
  return match[1]!.toLowerCase();
}

/** Whether an update moves money: those are never rate-limited away. */
export function isPaymentUpdate(update: Update): boolean {
  return Boolean(update.pre_checkout_query || update.message?.successful_payment);
}

/** The minimal shape a webhook body must have to be an update at all. */
export function looksLikeUpdate(body: unknown): body is Update {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  const id = (body as { update_id?: unknown }).update_id;
  return typeof id === "number" && Number.isSafeInteger(id) && id >= 0;
}

/** 1 s, 2 s, 4 s … capped at 5 minutes: transient Bot API failures usually clear quickly. */
export function retryBackoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 300_000);
}

const REFERRAL = /^\/start(?:@\w+)?\s+ref_([A-Za-z0-9_-]{1,64})\s*$/;

/** The affiliate code a `/start ref_CODE` deep link carries. */
export function referralCodeOf(text: string | undefined): string | undefined {
  return text ? REFERRAL.exec(text)?.[1] : undefined;
}

/** A prefixed id as the service mints them (`ord_` + 26 Crockford base32 characters). */
export const ID = "[a-z]{2,5}_[0-9A-HJKMNP-TV-Z]{26}";

const SIGNAL_KEYS: Record<string, string> = {
  sl: "stopLoss",
  tp: "takeProfit",
  ttl: "ttlSeconds",
  entry: "entryPrice",
  price: "entryPrice",
  vol: "volume",
  volume: "volume",
  tier: "minTier",
  id: "externalId",
};

/**
 * `/signal EURUSD buy market sl=1.07 tp=1.09 ttl=300 note=rest of the line` as the body of
 * POST /signals; the signals module's own schema then validates it exactly as over HTTP.
 */
export function parseSignalCommand(args: string): Record<string, unknown> {
  const [head, note] = args.split(/\bnote=/i, 2) as [string, string | undefined];
  const body: Record<string, unknown> = {};
  const positional: string[] = [];
  for (const token of head.trim().split(/\s+/).filter(Boolean)) {
    const eq = token.indexOf("=");
    if (eq === -1) {
      positional.push(token);
      continue;
    }
    const key = SIGNAL_KEYS[token.slice(0, eq).toLowerCase()] ?? token.slice(0, eq);
    const raw = token.slice(eq + 1);
    body[key] = key === "minTier" || key === "externalId" || Number.isNaN(Number(raw)) ? raw : Number(raw);
  }
  const [instrument, side, orderType] = positional;
  if (instrument !== undefined) body.instrument = instrument.toUpperCase();
  if (side !== undefined) body.side = side.toLowerCase();
  body.orderType = (orderType ?? "market").toLowerCase();
  if (note?.trim()) body.note = note.trim();
  return body;
}
