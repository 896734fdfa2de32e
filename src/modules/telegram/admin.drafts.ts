import { InlineKeyboard } from "grammy";
import { planName } from "../catalog/catalog.models";
import type { PublishBody } from "../signals/signals.schemas";
import { signalText } from "./signals.views";
import type { BotContext } from "./telegram.context";
import type { draftsRepository } from "./telegram.drafts";
import type { Translate } from "./telegram.i18n";
import type { DraftRow } from "./telegram.table";

/** Telegram's limit on a message's text. */
const MAX_TEXT = 4096;

export type SignalDraft = ReturnType<(typeof PublishBody)["parse"]>;

/** Send and Cancel under a preview; the draft's id is all the buttons carry. */
export const draftButtons = (id: string, t: Translate) =>
  new InlineKeyboard()
    .text(t("draft-send"), `draft:send:${id}`)
    .text(t("draft-cancel"), `draft:cancel:${id}`);

/** A /signal as its subscribers will read it, under the question of whom it goes to. */
export function signalPreview(body: SignalDraft, now: Date, t: Translate): string {
  const expiresAt = new Date(now.getTime() + body.ttlSeconds * 1000).toISOString();
  const shown = signalText(
    {
      instrument: body.instrument,
      side: body.side,
      orderType: body.orderType,
      entryPrice: body.entryPrice ?? null,
      stopLoss: body.stopLoss ?? null,
      takeProfit: body.takeProfit ?? null,
      volume: body.volume ?? null,
      note: body.note ?? null,
      expiresAt,
    },
    t,
  );
  return `${t("draft-signal-preview", { tier: planName(body.minTier) })}\n\n${shown}`;
}

/** A /broadcast as everyone will read it (`html` already escaped), cut to fit a message. */
export function broadcastPreview(html: string, count: number, t: Translate): string {
  const head = `${t("draft-broadcast-preview", { count })}\n\n`;
  return (
    head + (head.length + html.length > MAX_TEXT ? `${html.slice(0, MAX_TEXT - head.length - 1)}…` : html)
  );
}

/**
 * A press on a draft that did not settle it: already sent or cancelled (a double tap: the first
 * press is answering), gone, or expired (then the preview loses its buttons and says so).
 */
export async function unsettledPress(ctx: BotContext, draft: DraftRow | undefined): Promise<unknown> {
  if (draft?.status === "pending") {
    await ctx.answerCallbackQuery({ text: ctx.t("draft-expired") });
    return ctx.editMessageText(ctx.t("draft-expired"));
  }
  return ctx.answerCallbackQuery({ text: ctx.t(draft ? "draft-settled" : "error-stale-button") });
}

export type Drafts = ReturnType<typeof draftsRepository>;
