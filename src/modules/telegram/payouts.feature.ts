import { eq, sql } from "drizzle-orm";
import { InlineKeyboard } from "grammy";
import { affiliatePayouts } from "../affiliates/affiliates.table";
import { ignoreNotModified } from "./telegram.api";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { askFor } from "./telegram.conversations";
import { escapeHtml, formatMoney, formatTime } from "./telegram.format";
import { ID } from "./telegram.models";

const ANSWER_WAIT_MS = 10 * 60_000;

/**
 * Admin /payouts: requested payouts with Complete / Reject buttons. Completing asks for the
 * payment reference and rejecting for a reason (both required by the affiliates service), so
 * the bot keeps the question open in the database until the admin answers. An affiliate's first
 * payout, held for review (issue 17), shows Approve in place of Complete until it is approved.
 */
export function payoutsFeature(services: Pick<BotServices, "affiliates" | "db" | "clock">): BotFeature {
  async function list(ctx: BotContext) {
    const page = await services.affiliates.admin.listPayouts({
      limit: 10,
      cursor: null,
      status: "requested",
    });
    if (page.items.length === 0) return ctx.reply(ctx.t("payouts-none"));
    for (const p of page.items) {
      const held = p.heldForReview && p.approvedAt === null;
      const item = ctx.t("payouts-item", {
        id: p.id,
        code: escapeHtml(p.affiliate.code),
        amount: formatMoney(p.amountMinor, p.currency),
        at: formatTime(p.createdAt),
      });
      await ctx.reply(held ? `${item}\n${ctx.t("payouts-held")}` : item, {
        parse_mode: "HTML",
        reply_markup: buttons(ctx, p.id, held),
      });
    }
    return page.nextCursor ? ctx.reply(ctx.t("payouts-more")) : undefined;
  }

  /** Approve while the payout is held for review, Complete after; Reject either way. */
  const buttons = (ctx: BotContext, payoutId: string, held: boolean) =>
    new InlineKeyboard()
      .text(ctx.t(held ? "payouts-approve" : "payouts-complete"), `po:${held ? "ap" : "ok"}:${payoutId}`)
      .text(ctx.t("payouts-reject"), `po:no:${payoutId}`);

  /** Where a payout is now (a read of the affiliates module's table), to know its buttons are settled. */
  async function stateOf(payoutId: string) {
    const [row] = await services.db
      .select({
        status: affiliatePayouts.status,
        held: sql<boolean>`${affiliatePayouts.heldForReview} and ${affiliatePayouts.approvedAt} is null`,
      })
      .from(affiliatePayouts)
      .where(eq(affiliatePayouts.id, payoutId));
    return row;
  }

  /** The admin approves a held payout; its message then offers Complete. */
  async function approve(ctx: BotContext, payoutId: string) {
    if (ctx.account.role !== "admin")
      return ctx.answerCallbackQuery({ text: ctx.t("payouts-admins-only"), show_alert: true });
    await services.affiliates.admin.approvePayout({ id: ctx.account.user.id }, payoutId);
    await ctx.answerCallbackQuery({ text: ctx.t("payouts-approved", { id: payoutId }) });
    return ignoreNotModified(
      ctx.editMessageReplyMarkup({ reply_markup: buttons(ctx, payoutId, false) }),
    ).catch(() => undefined);
  }

  /** The Complete / Reject buttons of a settled payout go: nothing can be decided there any more. */
  const removeButtons = (ctx: BotContext, at: { chatId?: unknown; messageId?: unknown }) =>
    at.chatId && at.messageId
      ? ignoreNotModified(ctx.api.editMessageReplyMarkup(Number(at.chatId), Number(at.messageId))).catch(
          () => undefined,
        )
      : undefined;

  async function ask(ctx: BotContext, kind: "payout_reference" | "payout_reason", payoutId: string) {
    if (ctx.account.role !== "admin")
      return ctx.answerCallbackQuery({ text: ctx.t("payouts-admins-only"), show_alert: true });
    const state = await stateOf(payoutId);
    const status = state?.status;
    if (status !== "requested") {
      // Already paid or rejected (elsewhere, or by another admin): nothing to ask a reason for.
      await ctx.answerCallbackQuery({
        text: status === "paid" ? ctx.t("payouts-already-paid") : ctx.t("payouts-already-rejected"),
        show_alert: true,
      });
      return ignoreNotModified(ctx.editMessageReplyMarkup()).catch(() => undefined);
    }
    if (kind === "payout_reference" && state?.held) {
      // Approved nowhere yet (the buttons predate the review): Approve comes first.
      await ctx.answerCallbackQuery({ text: ctx.t("refusal-affiliates-payout-held"), show_alert: true });
      return ignoreNotModified(
        ctx.editMessageReplyMarkup({ reply_markup: buttons(ctx, payoutId, true) }),
      ).catch(() => undefined);
    }
    const message = ctx.callbackQuery?.message;
    const expires = new Date(services.clock.now().getTime() + ANSWER_WAIT_MS);
    await askFor(services.db, ctx.account.user.telegramId, kind, expires, {
      payoutId,
      ...(message ? { chatId: message.chat.id, messageId: message.message_id } : {}),
    });
    await ctx.answerCallbackQuery();
    return ctx.reply(
      kind === "payout_reference"
        ? ctx.t("payouts-ask-reference", { id: payoutId })
        : ctx.t("payouts-ask-reason", { id: payoutId }),
    );
  }

  /** Answers are re-checked for role: the question may outlive the admin's role. */
  const settle =
    (verdict: "complete" | "reject") =>
    async (ctx: BotContext, text: string, data: Record<string, unknown>) => {
      if (ctx.account.role !== "admin") return ctx.reply(ctx.t("payouts-admins-only"));
      const payoutId = String(data.payoutId);
      const actor = { id: ctx.account.user.id };
      const note = text.slice(0, 200);
      try {
        if (verdict === "complete") await services.affiliates.admin.completePayout(actor, payoutId, note);
        else await services.affiliates.admin.rejectPayout(actor, payoutId, note);
      } finally {
        // Settled now, or by someone else meanwhile (the refusal says which): the buttons go.
        await removeButtons(ctx, data);
      }
      return ctx.reply(
        verdict === "complete"
          ? ctx.t("payouts-completed", { id: payoutId })
          : ctx.t("payouts-rejected", { id: payoutId }),
      );
    };

  return {
    commands: [{ names: ["payouts"], summary: "cmd-payouts", role: "admin", run: list }],
    install(bot) {
      bot.callbackQuery(new RegExp(`^po:ok:(${ID})$`), (ctx) => ask(ctx, "payout_reference", ctx.match[1]!));
      bot.callbackQuery(new RegExp(`^po:no:(${ID})$`), (ctx) => ask(ctx, "payout_reason", ctx.match[1]!));
      bot.callbackQuery(new RegExp(`^po:ap:(${ID})$`), (ctx) => approve(ctx, ctx.match[1]!));
    },
    answers: { payout_reference: settle("complete"), payout_reason: settle("reject") },
  };
}
