import { InlineKeyboard } from "grammy";
import { DeviceSettingsBody } from "../devices/devices.schemas";
import {
  DEFAULT_SETTINGS,
  type DeviceSettings,
  type DeviceSettingsInput,
  inputOf,
  SETTINGS_LIMITS,
  type SizingMode,
} from "../devices/devices.settings";
import type { BotContext, BotFeature, BotServices } from "./telegram.context";
import { askFor } from "./telegram.conversations";
import { escapeHtml } from "./telegram.format";
import { ID } from "./telegram.models";

/** How long the bot waits for a typed value it asked for. */
const ANSWER_WAIT_MS = 10 * 60_000;

/** One letter per mode keeps callback data short (Telegram allows 64 bytes). */
const MODE_CODES: Record<string, SizingMode> = { f: "fixed", r: "risk_percent", x: "multiplier" };
const CODE_OF: Record<SizingMode, string> = { fixed: "f", risk_percent: "r", multiplier: "x" };

/** The value a mode starts with when the owner switches to it: the smallest sensible bet. */
const MODE_START: Record<SizingMode, number> = { fixed: 0.01, risk_percent: 1, multiplier: 1 };
const VALUE_PRESETS: Record<SizingMode, number[]> = {
  fixed: [0.01, 0.05, 0.1, 0.5, 1],
  risk_percent: [0.5, 1, 2, 3, 5],
  multiplier: [0.5, 1, 2, 3, 5],
};
const CAP_PRESETS = [0.1, 0.5, 1, 5];
const SLIPPAGE_PRESETS = [10, 30, 50, 100];
const DEVIATION_PRESETS = [0.1, 0.25, 0.5, 1];
const SUFFIX_PRESETS = [".m", ".pro", ".raw", ".ecn", "+"];

const MODE_LABEL: Record<SizingMode, string> = {
  fixed: "Fixed lots",
  risk_percent: "% risk",
  multiplier: "× signal",
};

/** What the owner may type when no button fits. */
export type TypedSetting = "value" | "cap" | "map" | "suffix";

const mark = (on: boolean, label: string) => (on ? `• ${label}` : label);

function sizingText(s: DeviceSettingsInput): string {
  const v = s.sizing.value;
  if (s.sizing.mode === "fixed") return `${v} lots per trade`;
  if (s.sizing.mode === "risk_percent")
    return `risk ${v}% of equity to the stop loss (signals without one are skipped)`;
  return `${v}× the signal's volume`;
}

/** The settings screen's text: every setting in words, so nobody has to know the API. */
export function settingsText(name: string, s: DeviceSettings): string {
  const mapped = Object.entries(s.symbolMap);
  return [
    `⚙️ <b>${escapeHtml(name)}</b> — settings v${s.version}`,
    "",
    `<b>Size:</b> ${escapeHtml(sizingText(s))}`,
    `<b>Lot cap:</b> ${s.maxLots === null ? "none" : `${s.maxLots} lots`}`,
    `<b>Symbols:</b> ${
      mapped.length === 0
        ? "as in the signal"
        : escapeHtml(mapped.map(([from, to]) => `${from} → ${to}`).join(", "))
    }${s.symbolSuffix ? `; others + <code>${escapeHtml(s.symbolSuffix)}</code>` : ""}`,
    `<b>Slippage:</b> up to ${s.maxSlippagePoints} points`,
    `<b>Entry deviation:</b> ${
      s.maxEntryDeviationPct === null ? "any" : `at most ${s.maxEntryDeviationPct}% from the signal's price`
    }`,
    `<b>Trading:</b> ${s.paused ? "⏸ paused: new signals are refused, open trades still follow updates" : "▶️ active"}`,
    "",
    "Your Expert Advisor applies changes at its next poll, within seconds.",
  ].join("\n");
}

function settingsKeyboard(id: string, s: DeviceSettings): InlineKeyboard {
  const cb = (op: string) => `ds:${id}:${op}`;
  const kb = new InlineKeyboard();
  for (const mode of Object.keys(CODE_OF) as SizingMode[])
    kb.text(mark(s.sizing.mode === mode, MODE_LABEL[mode]), cb(`m:${CODE_OF[mode]}`));
  kb.row();
  const unit = s.sizing.mode === "risk_percent" ? "%" : s.sizing.mode === "multiplier" ? "×" : "";
  for (const v of VALUE_PRESETS[s.sizing.mode])
    kb.text(mark(s.sizing.value === v, `${v}${unit}`), cb(`v:${v}`));
  kb.text("✏️", cb("ask:value")).row();
  kb.text(mark(s.maxLots === null, "No cap"), cb("c:none"));
  for (const v of CAP_PRESETS) kb.text(mark(s.maxLots === v, `cap ${v}`), cb(`c:${v}`));
  kb.text("✏️", cb("ask:cap")).row();
  for (const v of SLIPPAGE_PRESETS) kb.text(mark(s.maxSlippagePoints === v, `${v} pts`), cb(`s:${v}`));
  kb.row();
  kb.text(mark(s.maxEntryDeviationPct === null, "Any entry"), cb("d:none"));
  for (const v of DEVIATION_PRESETS) kb.text(mark(s.maxEntryDeviationPct === v, `≤${v}%`), cb(`d:${v}`));
  kb.row();
  kb.text("🔤 Symbols & suffix", cb("sym")).row();
  kb.text(s.paused ? "▶️ Resume trading" : "⏸ Pause trading", cb(s.paused ? "p:0" : "p:1"));
  kb.text("↩️ Defaults", cb("reset"));
  return kb;
}

function symbolsText(name: string, s: DeviceSettings): string {
  const mapped = Object.entries(s.symbolMap);
  return [
    `🔤 <b>${escapeHtml(name)}</b> — symbols`,
    "",
    "Brokers name instruments differently (gold is XAUUSD, GOLD or XAUUSD.m). A mapped symbol is",
    "used exactly as written; every other one gets the suffix.",
    "",
    ...(mapped.length === 0
      ? ["No symbols mapped."]
      : mapped.map(([from, to]) => `${escapeHtml(from)} → <code>${escapeHtml(to)}</code>`)),
    `Suffix: ${s.symbolSuffix ? `<code>${escapeHtml(s.symbolSuffix)}</code>` : "none"}`,
  ].join("\n");
}

function symbolsKeyboard(id: string, s: DeviceSettings): InlineKeyboard {
  const cb = (op: string) => `ds:${id}:${op}`;
  const kb = new InlineKeyboard();
  for (const from of Object.keys(s.symbolMap)) kb.text(`🗑 ${from}`, cb(`um:${from}`)).row();
  kb.text("➕ Map a symbol", cb("ask:map")).row();
  kb.text(mark(s.symbolSuffix === "", "No suffix"), cb("x:"));
  for (const suffix of SUFFIX_PRESETS) kb.text(mark(s.symbolSuffix === suffix, suffix), cb(`x:${suffix}`));
  kb.text("✏️", cb("ask:suffix")).row();
  kb.text("⬅️ Back", cb("show"));
  return kb;
}

const QUESTIONS: Record<TypedSetting, (s: DeviceSettings) => string> = {
  value: (s) =>
    s.sizing.mode === "fixed"
      ? `Send the lots per trade, e.g. 0.03 (at most ${SETTINGS_LIMITS.sizingValue.fixed}).`
      : s.sizing.mode === "risk_percent"
        ? `Send the % of equity to risk per trade, e.g. 1.5 (at most ${SETTINGS_LIMITS.sizingValue.risk_percent}).`
        : `Send the multiple of the signal's volume, e.g. 1.5 (at most ${SETTINGS_LIMITS.sizingValue.multiplier}).`,
  cap: () => `Send the most lots any one trade may have, e.g. 2 (at most ${SETTINGS_LIMITS.maxLots}).`,
  map: () => "Send the signal's symbol and your broker's, separated by a space, e.g. \"XAUUSD GOLD.m\".",
  suffix: () =>
    `Send the suffix your broker adds to symbols, e.g. .m (up to ${SETTINGS_LIMITS.symbolSuffixLength} characters).`,
};

/** A number as people type it: "0,5" and "1.5%" work too. */
const numberFrom = (text: string) => {
  const cleaned = text
    .trim()
    .replace(",", ".")
    .replace(/[%x×]$/i, "")
    .trim();
  return /^\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : Number.NaN;
};

/**
 * The device settings screen of /devices: one message edited in place, buttons for everything,
 * typing only where no button fits. Every change is a whole-object PUT through the devices
 * service, validated by the same schema as the API, so the bot can never store what the API
 * would refuse.
 */
export function deviceSettingsFeature(services: Pick<BotServices, "devices" | "db" | "clock">): BotFeature {
  const userId = (ctx: BotContext) => ctx.account.user.id;

  async function load(ctx: BotContext, id: string) {
    const device = await services.devices.get(userId(ctx), id);
    const settings = await services.devices.settings(userId(ctx), id);
    return { device, settings };
  }

  /** Validates and stores the changed settings; a refusal is returned as text, nothing stored. */
  async function save(
    ctx: BotContext,
    id: string,
    next: DeviceSettingsInput,
  ): Promise<string | DeviceSettings> {
    const parsed = DeviceSettingsBody.safeParse(next);
    if (!parsed.success) return parsed.error.issues.map((i) => i.message).join("; ");
    return services.devices.replaceSettings(userId(ctx), id, parsed.data);
  }

  async function show(ctx: BotContext, id: string, screen: "main" | "symbols", edit: boolean) {
    const { device, settings } = await load(ctx, id);
    if (device.revokedAt) return ctx.reply("That device was removed; its settings can no longer change.");
    const text = screen === "main" ? settingsText(device.name, settings) : symbolsText(device.name, settings);
    const reply_markup = screen === "main" ? settingsKeyboard(id, settings) : symbolsKeyboard(id, settings);
    if (edit) return ctx.editMessageText(text, { parse_mode: "HTML", reply_markup });
    return ctx.reply(text, { parse_mode: "HTML", reply_markup });
  }

  /** Applies one button's change, then redraws the screen it came from. */
  async function change(
    ctx: BotContext,
    id: string,
    screen: "main" | "symbols",
    edit: (s: DeviceSettingsInput) => DeviceSettingsInput,
    toast: string,
  ) {
    const current = await services.devices.settings(userId(ctx), id);
    const result = await save(ctx, id, edit(inputOf(current)));
    if (typeof result === "string") return ctx.answerCallbackQuery({ text: result, show_alert: true });
    await ctx.answerCallbackQuery({ text: toast });
    return show(ctx, id, screen, true);
  }

  async function ask(ctx: BotContext, id: string, what: TypedSetting) {
    const settings = await services.devices.settings(userId(ctx), id);
    const expires = new Date(services.clock.now().getTime() + ANSWER_WAIT_MS);
    await askFor(services.db, ctx.account.user.telegramId, "device_setting", expires, { deviceId: id, what });
    await ctx.answerCallbackQuery();
    return ctx.reply(QUESTIONS[what](settings));
  }

  /** A typed answer: applied and the screen shown again, or refused with the reason and asked again. */
  async function answer(ctx: BotContext, text: string, data: Record<string, unknown>) {
    const id = String(data.deviceId);
    const what = data.what as TypedSetting;
    const current = inputOf(await services.devices.settings(userId(ctx), id));
    let next: DeviceSettingsInput | string;
    if (what === "value") {
      const value = numberFrom(text);
      next = Number.isNaN(value)
        ? "That is not a number."
        : { ...current, sizing: { ...current.sizing, value } };
    } else if (what === "cap") {
      const value = numberFrom(text);
      next = Number.isNaN(value) ? "That is not a number." : { ...current, maxLots: value };
    } else if (what === "suffix") {
      next = { ...current, symbolSuffix: text.trim() };
    } else {
      const [from, to, ...rest] = text.trim().split(/\s+/);
      next =
        !from || !to || rest.length > 0
          ? 'Send two symbols separated by a space, e.g. "XAUUSD GOLD.m".'
          : { ...current, symbolMap: { ...current.symbolMap, [from.toUpperCase()]: to } };
    }
    const result = typeof next === "string" ? next : await save(ctx, id, next);
    if (typeof result === "string") {
      const expires = new Date(services.clock.now().getTime() + ANSWER_WAIT_MS);
      await askFor(services.db, ctx.account.user.telegramId, "device_setting", expires, data);
      return ctx.reply(`${result}\n\n${QUESTIONS[what](await services.devices.settings(userId(ctx), id))}`);
    }
    return show(ctx, id, what === "map" || what === "suffix" ? "symbols" : "main", false);
  }

  const on = (pattern: string) => new RegExp(`^ds:(${ID}):${pattern}$`);

  return {
    commands: [],
    install(bot) {
      bot.callbackQuery(new RegExp(`^ds:(${ID})$`), async (ctx) => {
        await ctx.answerCallbackQuery();
        return show(ctx, ctx.match[1]!, "main", false);
      });
      bot.callbackQuery(on("show"), async (ctx) => {
        await ctx.answerCallbackQuery();
        return show(ctx, ctx.match[1]!, "main", true);
      });
      bot.callbackQuery(on("sym"), async (ctx) => {
        await ctx.answerCallbackQuery();
        return show(ctx, ctx.match[1]!, "symbols", true);
      });
      bot.callbackQuery(on("m:([frx])"), (ctx) => {
        const mode = MODE_CODES[ctx.match[2]!]!;
        return change(
          ctx,
          ctx.match[1]!,
          "main",
          (s) => (s.sizing.mode === mode ? s : { ...s, sizing: { mode, value: MODE_START[mode] } }),
          `Size: ${MODE_LABEL[mode]}`,
        );
      });
      bot.callbackQuery(on("v:(\\d+(?:\\.\\d+)?)"), (ctx) => {
        const value = Number(ctx.match[2]);
        return change(
          ctx,
          ctx.match[1]!,
          "main",
          (s) => ({ ...s, sizing: { ...s.sizing, value } }),
          "Size saved",
        );
      });
      bot.callbackQuery(on("c:(none|\\d+(?:\\.\\d+)?)"), (ctx) => {
        const cap = ctx.match[2] === "none" ? null : Number(ctx.match[2]);
        return change(ctx, ctx.match[1]!, "main", (s) => ({ ...s, maxLots: cap }), "Lot cap saved");
      });
      bot.callbackQuery(on("s:(\\d+)"), (ctx) => {
        const points = Number(ctx.match[2]);
        return change(
          ctx,
          ctx.match[1]!,
          "main",
          (s) => ({ ...s, maxSlippagePoints: points }),
          "Slippage saved",
        );
      });
      bot.callbackQuery(on("d:(none|\\d+(?:\\.\\d+)?)"), (ctx) => {
        const pct = ctx.match[2] === "none" ? null : Number(ctx.match[2]);
        return change(
          ctx,
          ctx.match[1]!,
          "main",
          (s) => ({ ...s, maxEntryDeviationPct: pct }),
          "Deviation saved",
        );
      });
      bot.callbackQuery(on("p:([01])"), (ctx) => {
        const paused = ctx.match[2] === "1";
        return change(
          ctx,
          ctx.match[1]!,
          "main",
          (s) => ({ ...s, paused }),
          paused ? "Paused: new signals will be refused" : "Trading resumed",
        );
      });
      bot.callbackQuery(on("x:(\\S{0,12})"), (ctx) => {
        const suffix = ctx.match[2]!;
        return change(ctx, ctx.match[1]!, "symbols", (s) => ({ ...s, symbolSuffix: suffix }), "Suffix saved");
      });
      bot.callbackQuery(on("um:([A-Z0-9._]{2,20})"), (ctx) => {
        const from = ctx.match[2]!;
        return change(
          ctx,
          ctx.match[1]!,
          "symbols",
          (s) => ({
            ...s,
            symbolMap: Object.fromEntries(Object.entries(s.symbolMap).filter(([k]) => k !== from)),
          }),
          `${from} unmapped`,
        );
      });
      bot.callbackQuery(on("ask:(value|cap|map|suffix)"), (ctx) =>
        ask(ctx, ctx.match[1]!, ctx.match[2] as TypedSetting),
      );
      // Going back to the defaults throws away every choice at once: ask first, show what it means.
      bot.callbackQuery(on("reset"), async (ctx) => {
        await ctx.answerCallbackQuery();
        const { device } = await load(ctx, ctx.match[1]!);
        return ctx.editMessageText(
          [
            `Reset <b>${escapeHtml(device.name)}</b> to the defaults?`,
            "",
            `Size ${DEFAULT_SETTINGS.sizing.value} lots, no lot cap, no symbol map or suffix, slippage ` +
              `${DEFAULT_SETTINGS.maxSlippagePoints} points, any entry, trading active.`,
          ].join("\n"),
          {
            parse_mode: "HTML",
            reply_markup: new InlineKeyboard()
              .text("↩️ Yes, reset", `ds:${ctx.match[1]}:reset!`)
              .text("Keep my settings", `ds:${ctx.match[1]}:show`),
          },
        );
      });
      bot.callbackQuery(on("reset!"), (ctx) =>
        change(ctx, ctx.match[1]!, "main", () => DEFAULT_SETTINGS, "Back to the defaults"),
      );
    },
    answers: { device_setting: (ctx, text, data) => answer(ctx, text, data) },
  };
}
