import { InlineKeyboard } from "grammy";
import type { UpdateInput } from "../signals/signals.models";
import type { SignalView } from "../signals/signals.views";
import { positionHead, updatePhrase } from "./positions.notices";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { escapeHtml } from "./telegram.format";
import type { Translate } from "./telegram.i18n";
import { ID } from "./telegram.models";

const SYSTEM_ADMIN = { id: "system", role: "admin" as const };
/** Telegram refuses callback data over 64 bytes. */
const MAX_CALLBACK = 64;

/** The buttons under an admin's signal message: each asks for confirmation before anything changes. */
export function positionKeyboard(signalId: string, t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("pos-btn-breakeven"), `pos:a:be:${signalId}`)
    .text(t("pos-btn-half"), `pos:a:half:${signalId}`)
    .text(t("pos-btn-close"), `pos:a:close:${signalId}`);
}

type Operation = "be" | "half" | "close" | "m";

const num = (raw: string | undefined) => (raw === undefined || raw === "_" ? null : Number(raw));

/** Parses `sl=… tp=…` (sl=be for breakeven); undefined when nothing valid was given. */
export function parseModify(
  args: string[],
): { stopLoss: number | "be" | null; takeProfit: number | null } | undefined {
  let stopLoss: number | "be" | null = null;
  let takeProfit: number | null = null;
  for (const token of args) {
    const [key, value] = token.toLowerCase().split("=", 2);
    if (key === "sl" && value === "be") stopLoss = "be";
    else if (key === "sl" && Number(value) > 0) stopLoss = Number(value);
    else if (key === "tp" && Number(value) > 0) takeProfit = Number(value);
    else return undefined;
  }
  return stopLoss === null && takeProfit === null ? undefined : { stopLoss, takeProfit };
}

/**
 * The admin's position management in the bot: /close, /modify and the buttons under a
 * published signal, each confirmed before it is applied through the same service as the API.
 */
export function positionsFeature(
  services: Pick<BotServices, "signals" | "positions" | "executions">,
): BotFeature {
  const admin = (ctx: BotContext) => ({ kind: "admin" as const, userId: ctx.account.user.id });

  /** A signal id, or an instrument (its newest open position); undefined when none matches. */
  async function resolve(arg: string | undefined): Promise<SignalView | undefined> {
    if (!arg) return undefined;
    const id = new RegExp(`^${ID}$`).test(arg)
      ? arg
      : (await services.positions.openPositions({ instrument: arg.toUpperCase(), limit: 1 }))[0]?.id;
    if (!id) return undefined;
    return services.signals.get(SYSTEM_ADMIN, id).catch(() => undefined);
  }

  /** The entry price, or for a market signal the first fill any device reported. */
  async function breakevenOf(signal: SignalView): Promise<number | null> {
    if (signal.entryPrice !== null) return signal.entryPrice;
    const history = await services.executions.forSignal(SYSTEM_ADMIN, signal.id);
    const fills = history.items.filter((i) => i.status === "filled" && i.price !== null);
    fills.sort((a, b) => (a.filledAt ?? "").localeCompare(b.filledAt ?? ""));
    return fills[0]?.price ?? null;
  }

  async function inputFor(op: Operation, signal: SignalView, sl: number | null, tp: number | null) {
    if (op === "close") return { action: "close" as const };
    if (op === "half") return { action: "close_partial" as const, fraction: 0.5 };
    const stopLoss = op === "be" ? await breakevenOf(signal) : sl;
    if (op === "be" && stopLoss === null) return undefined;
    return { action: "modify" as const, stopLoss, takeProfit: op === "be" ? null : tp };
  }

  async function confirm(
    ctx: BotContext,
    op: Operation,
    signal: SignalView,
    sl: number | null,
    tp: number | null,
  ) {
    if (signal.positionStatus === "closed") return ctx.reply(ctx.t("pos-already-closed"));
    const input = await inputFor(op, signal, sl, tp);
    if (!input) return ctx.reply(ctx.t("pos-no-fill"));
    const data = `pos:y:${op}:${signal.id}${op === "m" ? `:${input.stopLoss ?? "_"}:${input.takeProfit ?? "_"}` : ""}`;
    if (data.length > MAX_CALLBACK) return ctx.reply(ctx.t("pos-too-many-digits"));
    const phrase = updatePhrase(
      { stopLoss: null, takeProfit: null, fraction: null, ...input },
      signal,
      ctx.t,
    );
    return ctx.reply(
      ctx.t("pos-confirm", { head: positionHead(signal), id: signal.id, phrase: escapeHtml(phrase) }),
      {
        parse_mode: "HTML",
        reply_markup: new InlineKeyboard()
          .text(ctx.t("pos-btn-confirm"), data)
          .text(ctx.t("pos-btn-keep"), "pos:n"),
      },
    );
  }

  async function apply(
    ctx: BotContext,
    op: Operation,
    signalId: string,
    sl: number | null,
    tp: number | null,
  ) {
    const signal = await services.signals.get(SYSTEM_ADMIN, signalId);
    const input = await inputFor(op, signal, sl, tp);
    await ctx.answerCallbackQuery();
    if (!input) return ctx.editMessageText(ctx.t("pos-no-entry-yet"));
    const body: UpdateInput = {
      stopLoss: null,
      takeProfit: null,
      fraction: null,
      externalId: null,
      note: null,
      ...input,
    };
    const { update } = await services.positions.update(admin(ctx), signalId, body);
    return ctx.editMessageText(
      ctx.t("pos-done", {
        seq: update.seq,
        head: positionHead(signal),
        phrase: escapeHtml(updatePhrase(update, signal, ctx.t)),
      }),
      { parse_mode: "HTML" },
    );
  }

  async function close(ctx: BotContext) {
    const arg = String(ctx.match ?? "").trim();
    if (arg) {
      const signal = await resolve(arg);
      return signal
        ? confirm(ctx, "close", signal, null, null)
        : ctx.reply(ctx.t("pos-no-match", { query: escapeHtml(arg) }));
    }
    const open = await services.positions.openPositions({ limit: 8 });
    if (open.length === 0) return ctx.reply(ctx.t("pos-none-open"));
    const keyboard = new InlineKeyboard();
    for (const s of open)
      keyboard
        .text(`🏁 ${s.instrument} ${s.side.toUpperCase()} ${s.id.slice(-4)}`, `pos:a:close:${s.id}`)
        .row();
    return ctx.reply(ctx.t("pos-which"), { reply_markup: keyboard });
  }

  async function modify(ctx: BotContext) {
    const [target, ...rest] = String(ctx.match ?? "")
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    const prices = parseModify(rest);
    if (!target || !prices) return ctx.reply(ctx.t("modify-usage"));
    const signal = await resolve(target);
    if (!signal) return ctx.reply(ctx.t("pos-no-match", { query: escapeHtml(target) }));
    if (prices.stopLoss === "be" && prices.takeProfit === null) return confirm(ctx, "be", signal, null, null);
    const stopLoss = prices.stopLoss === "be" ? await breakevenOf(signal) : prices.stopLoss;
    return confirm(ctx, "m", signal, stopLoss, prices.takeProfit);
  }

  return {
    commands: [
      { names: ["close"], summary: "cmd-close", role: "admin", run: close },
      {
        names: ["modify"],
        summary: "cmd-modify",
        role: "admin",
        run: modify,
      },
    ],
    install(bot) {
      const onlyAdmins = async (ctx: BotContext, run: () => Promise<unknown>) => {
        if (ctx.account.role !== "admin") return ctx.answerCallbackQuery({ text: ctx.t("admins-only") });
        return run();
      };
      bot.callbackQuery(new RegExp(`^pos:a:(be|half|close):(${ID})$`), (ctx) =>
        onlyAdmins(ctx, async () => {
          await ctx.answerCallbackQuery();
          const signal = await services.signals.get(SYSTEM_ADMIN, ctx.match[2]!);
          return confirm(ctx, ctx.match[1] as Operation, signal, null, null);
        }),
      );
      bot.callbackQuery(new RegExp(`^pos:y:(be|half|close|m):(${ID})(?::([0-9.]+|_):([0-9.]+|_))?$`), (ctx) =>
        onlyAdmins(ctx, () =>
          apply(ctx, ctx.match[1] as Operation, ctx.match[2]!, num(ctx.match[3]), num(ctx.match[4])),
        ),
      );
      bot.callbackQuery("pos:n", async (ctx) => {
        await ctx.answerCallbackQuery();
        return ctx.editMessageText(ctx.t("pos-nothing-changed"));
      });
    },
  };
}
