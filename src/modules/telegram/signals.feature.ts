import { InlineKeyboard } from "grammy";
import type { SignalView } from "../signals/signals.views";
import { decidedText, decisionKeyboard, type SignalOutcome, signalText } from "./signals.views";
import { ignoreNotModified } from "./telegram.api";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { isRefusal, refusalText } from "./telegram.errors";
import { escapeHtml } from "./telegram.format";
import type { Translate } from "./telegram.i18n";
import { ID } from "./telegram.models";

const LIST_SIZE = 5;
/** Refusals after which the button's message is simply out of date: re-render it, no alarm. */
const STALE_DECISIONS = new Set([
  "signals.already_decided",
  "signals.expired",
  "signals.cancelled",
  "signals.closed",
]);

/** How a recipient's signal ended up, when it is no longer waiting for them. */
export function outcomeOf(s: SignalView): SignalOutcome | undefined {
  if (s.status === "cancelled") return "cancelled";
  if (s.decision === "approved" || s.decision === "rejected") return s.decision;
  if (s.positionStatus === "closed") return "closed";
  if (s.status === "expired" || s.decision === "expired") return "expired";
  return undefined;
}

function listLine(s: SignalView, t: Translate): string {
  const head = `<b>${escapeHtml(s.instrument)}</b> ${s.side.toUpperCase()} ${s.orderType}`;
  if (s.decisions) {
    const d = s.decisions;
    return t("signals-line-admin", {
      head,
      status: s.status,
      recipients: s.recipients,
      approved: d.approved,
      rejected: d.rejected,
      pending: d.pending,
    });
  }
  return t("signals-line", { head, state: s.status === "open" ? (s.decision ?? "pending") : s.status });
}

/** /signals and the Approve / Reject buttons: POST /signals/{id}/decision through the signals service. */
export function signalsFeature(services: Pick<BotServices, "signals">): BotFeature {
  const viewerOf = (ctx: BotContext) => ({ id: ctx.account.user.id, role: ctx.account.role });

  async function renderList(ctx: BotContext) {
    const { items } = await services.signals.list(viewerOf(ctx), { limit: LIST_SIZE });
    if (items.length === 0) return { text: ctx.t("signals-none"), keyboard: new InlineKeyboard() };
    const keyboard = new InlineKeyboard();
    for (const s of items.filter(
      (i) => i.status === "open" && i.positionStatus === "open" && i.decision === "pending",
    )) {
      keyboard
        .text(`✅ ${s.instrument}`, `sig:ok:${s.id}:l`)
        .text(`❌ ${s.instrument}`, `sig:no:${s.id}:l`)
        .row();
    }
    return { text: [ctx.t("signals-title"), ...items.map((s) => listLine(s, ctx.t))].join("\n"), keyboard };
  }

  async function list(ctx: BotContext) {
    const { text, keyboard } = await renderList(ctx);
    return ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
  }

  /** Brings the message the button was on up to date with the signal's state. */
  async function refresh(ctx: BotContext, signalId: string, fromList: boolean) {
    if (fromList) {
      const { text, keyboard } = await renderList(ctx);
      return ignoreNotModified(ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: keyboard }));
    }
    const signal = await services.signals.get(viewerOf(ctx), signalId);
    const outcome = outcomeOf(signal);
    return ignoreNotModified(
      outcome
        ? ctx.editMessageText(decidedText(signal, outcome, ctx.t), { parse_mode: "HTML" })
        : ctx.editMessageText(signalText(signal, ctx.t), {
            parse_mode: "HTML",
            reply_markup: decisionKeyboard(signalId, ctx.t),
          }),
    );
  }

  async function decide(ctx: BotContext, choice: "approve" | "reject", signalId: string, fromList: boolean) {
    try {
      await services.signals.decide(ctx.account.user.id, signalId, choice);
      await ctx.answerCallbackQuery({
        text: choice === "approve" ? ctx.t("signals-approved-toast") : ctx.t("signals-rejected-toast"),
      });
    } catch (err) {
      if (!isRefusal(err) || !STALE_DECISIONS.has(err.code)) throw err;
      await ctx.answerCallbackQuery({ text: refusalText(err, ctx.t) });
    }
    return refresh(ctx, signalId, fromList);
  }

  return {
    commands: [{ names: ["signals"], summary: "cmd-signals", role: "all", run: list }],
    install(bot) {
      bot.callbackQuery(new RegExp(`^sig:(ok|no):(${ID})(:l)?$`), (ctx) =>
        decide(ctx, ctx.match[1] === "ok" ? "approve" : "reject", ctx.match[2]!, ctx.match[3] === ":l"),
      );
    },
  };
}
