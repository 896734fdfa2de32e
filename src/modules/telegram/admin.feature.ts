import { PublishBody } from "../signals/signals.schemas";
import {
  broadcastPreview,
  draftButtons,
  type SignalDraft,
  signalPreview,
  unsettledPress,
} from "./admin.drafts";
import { businessStats } from "./admin.stats";
import { positionKeyboard } from "./positions.feature";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { draftsRepository } from "./telegram.drafts";
import { escapeHtml, formatMoney } from "./telegram.format";
import { parseSignalCommand } from "./telegram.models";
import type { outboxRepository } from "./telegram.outbox";
import { broadcastToAll, countReachable } from "./telegram.recipients";

/**
 * Admin commands: /stats, /console, and /signal and /broadcast, which first show a preview with
 * Send / Cancel; the first press settles the draft in the database, so a double tap publishes
 * or broadcasts once, and the preview is edited to say what happened.
 */
export function adminFeature(
  services: Pick<BotServices, "db" | "clock" | "signals" | "audit" | "consoleSessions">,
  outbox: ReturnType<typeof outboxRepository>,
  poke: () => void,
): BotFeature {
  const drafts = draftsRepository(services.db);
  const now = () => services.clock.now();

  async function stats(ctx: BotContext) {
    const s = await businessStats(services.db, now());
    return ctx.reply(
      ctx.t("stats-text", {
        users: s.users,
        subscribers: s.activeSubscribers,
        revenue: formatMoney(s.revenue30dGbpMinor, "GBP"),
        devices: s.devicesOnline,
        signals: s.signalsToday,
      }),
      { parse_mode: "HTML" },
    );
  }

  async function previewSignal(ctx: BotContext) {
    const args = String(ctx.match ?? "").trim();
    if (!args) return ctx.reply(ctx.t("signal-usage"));
    const parsed = PublishBody.safeParse(parseSignalCommand(args));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `• ${i.path.join(".") || "signal"}: ${i.message}`);
      return ctx.reply(`${ctx.t("signal-invalid")}\n${problems.join("\n")}\n\n${ctx.t("signal-usage")}`);
    }
    const draft = await drafts.create("signal", ctx.account.user.id, { ...parsed.data }, now());
    return ctx.reply(signalPreview(parsed.data, now(), ctx.t), {
      parse_mode: "HTML",
      reply_markup: draftButtons(draft.id, ctx.t),
    });
  }

  async function publish(ctx: BotContext, draftId: string, body: SignalDraft) {
    // The draft's id keys the publish too: even a publish retried after a crash makes one signal.
    const { signal } = await services.signals.publish(
      { kind: "admin", userId: ctx.account.user.id },
      { ...body, externalId: body.externalId ?? draftId },
    );
    await ctx.answerCallbackQuery({ text: ctx.t("draft-sent-toast") });
    return ctx.editMessageText(
      ctx.t("signal-published", {
        id: signal.id,
        instrument: escapeHtml(signal.instrument),
        side: signal.side.toUpperCase(),
        type: signal.orderType,
        recipients: signal.recipients,
      }),
      { parse_mode: "HTML", reply_markup: positionKeyboard(signal.id, ctx.t) },
    );
  }

  async function previewBroadcast(ctx: BotContext) {
    const text = String(ctx.match ?? "").trim();
    if (!text) return ctx.reply(ctx.t("broadcast-usage"));
    const draft = await drafts.create("broadcast", ctx.account.user.id, { text }, now());
    const count = await countReachable(services.db);
    return ctx.reply(broadcastPreview(escapeHtml(text), count, ctx.t), {
      parse_mode: "HTML",
      reply_markup: draftButtons(draft.id, ctx.t),
    });
  }

  async function broadcast(ctx: BotContext, draftId: string, text: string) {
    // Keyed by the draft: a broadcast started twice still queues one message per person.
    const queued = await broadcastToAll(services.db, outbox, poke, draftId, escapeHtml(text));
    await services.audit.record({
      actorId: ctx.account.user.id,
      actorKind: "admin",
      action: "telegram.broadcast",
      subjectType: "broadcast",
      subjectId: draftId,
      data: { recipients: queued, length: text.length },
    });
    await ctx.answerCallbackQuery({ text: ctx.t("draft-sent-toast") });
    return ctx.editMessageText(ctx.t("broadcast-queued", { count: queued }));
  }

  /** A single-use sign-in link to the web console, valid 10 minutes (API §15). */
  async function consoleLink(ctx: BotContext) {
    const link = await services.consoleSessions.createLink(ctx.account.user.id, "bot");
    return ctx.reply(
      ctx.t("console-link", { url: escapeHtml(link.url) }),
      // A link preview would fetch the link, and the fetch would use it up.
      { parse_mode: "HTML", link_preview_options: { is_disabled: true } },
    );
  }

  return {
    commands: [
      { names: ["console"], summary: "cmd-console", role: "admin", run: consoleLink },
      { names: ["stats"], summary: "cmd-stats", role: "admin", run: stats },
      { names: ["signal"], summary: "cmd-signal", role: "admin", run: previewSignal },
      { names: ["broadcast"], summary: "cmd-broadcast", role: "admin", run: previewBroadcast },
    ],
    install(bot) {
      bot.callbackQuery(/^draft:(send|cancel):(drf_\w+)$/, async (ctx) => {
        if (ctx.account.role !== "admin")
          return ctx.answerCallbackQuery({ text: ctx.t("error-admins-only") });
        const [, action, id] = ctx.match as unknown as [string, "send" | "cancel", string];
        const draft = await drafts.settle(id, action === "send" ? "sent" : "cancelled", now());
        if (!draft) return unsettledPress(ctx, await drafts.byId(id));
        if (action === "cancel") {
          await ctx.answerCallbackQuery();
          return ctx.editMessageText(ctx.t("draft-cancelled"));
        }
        try {
          if (draft.kind === "signal") return await publish(ctx, id, draft.body as unknown as SignalDraft);
          return await broadcast(ctx, id, String(draft.body.text));
        } catch (err) {
          // Refused (the signal no longer valid, say): the preview stays, Send may be tried again.
          await drafts.reopen(id);
          throw err;
        }
      });
    },
  };
}
