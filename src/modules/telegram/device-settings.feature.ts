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
import type { Translate } from "./telegram.i18n";
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

const MODE_LABEL: Record<SizingMode, (t: Translate) => string> = {
  fixed: (t) => t("ds-mode-fixed"),
  risk_percent: (t) => t("ds-mode-risk"),
  multiplier: (t) => t("ds-mode-multiplier"),
};

/** What the owner may type when no button fits. */
export type TypedSetting = "value" | "cap" | "map" | "suffix";

const mark = (on: boolean, label: string) => (on ? `• ${label}` : label);

function sizingText(s: DeviceSettingsInput, t: Translate): string {
  const v = String(s.sizing.value);
  if (s.sizing.mode === "fixed") return t("ds-size-fixed", { v });
  if (s.sizing.mode === "risk_percent") return t("ds-size-risk", { v });
  return t("ds-size-multiplier", { v });
}

/** The settings screen's text: every setting in words, so nobody has to know the API. */
export function settingsText(name: string, s: DeviceSettings, t: Translate): string {
  const mapped = Object.entries(s.symbolMap);
  const symbols =
    mapped.length === 0
      ? t("ds-symbols-as-signal")
      : escapeHtml(mapped.map(([from, to]) => `${from} → ${to}`).join(", "));
  return [
    t("ds-title", { name: escapeHtml(name), version: String(s.version) }),
    "",
    t("ds-size", { size: escapeHtml(sizingText(s, t)) }),
    s.maxLots === null ? t("ds-cap-none") : t("ds-cap", { lots: String(s.maxLots) }),
    s.symbolSuffix
      ? t("ds-symbols-suffix", { symbols, suffix: escapeHtml(s.symbolSuffix) })
      : t("ds-symbols", { symbols }),
    t("ds-slippage", { points: String(s.maxSlippagePoints) }),
    s.maxEntryDeviationPct === null
      ? t("ds-deviation-any")
      : t("ds-deviation", { pct: String(s.maxEntryDeviationPct) }),
    s.paused ? t("ds-trading-paused") : t("ds-trading-active"),
    "",
    t("ds-applies"),
  ].join("\n");
}

function settingsKeyboard(id: string, s: DeviceSettings, t: Translate): InlineKeyboard {
  const cb = (op: string) => `ds:${id}:${op}`;
  const kb = new InlineKeyboard();
  for (const mode of Object.keys(CODE_OF) as SizingMode[])
    kb.text(mark(s.sizing.mode === mode, MODE_LABEL[mode](t)), cb(`m:${CODE_OF[mode]}`));
  kb.row();
  const unit = s.sizing.mode === "risk_percent" ? "%" : s.sizing.mode === "multiplier" ? "×" : "";
  for (const v of VALUE_PRESETS[s.sizing.mode])
    kb.text(mark(s.sizing.value === v, `${v}${unit}`), cb(`v:${v}`));
  kb.text("✏️", cb("ask:value")).row();
  kb.text(mark(s.maxLots === null, t("ds-btn-no-cap")), cb("c:none"));
  for (const v of CAP_PRESETS)
    kb.text(mark(s.maxLots === v, t("ds-btn-cap", { v: String(v) })), cb(`c:${v}`));
  kb.text("✏️", cb("ask:cap")).row();
  for (const v of SLIPPAGE_PRESETS)
    kb.text(mark(s.maxSlippagePoints === v, t("ds-btn-points", { v: String(v) })), cb(`s:${v}`));
  kb.row();
  kb.text(mark(s.maxEntryDeviationPct === null, t("ds-btn-any-entry")), cb("d:none"));
  for (const v of DEVIATION_PRESETS) kb.text(mark(s.maxEntryDeviationPct === v, `≤${v}%`), cb(`d:${v}`));
  kb.row();
  kb.text(t("ds-btn-symbols"), cb("sym")).row();
  kb.text(s.paused ? t("ds-btn-resume") : t("ds-btn-pause"), cb(s.paused ? "p:0" : "p:1"));
  kb.text(t("ds-btn-defaults"), cb("reset"));
  return kb;
}

function symbolsText(name: string, s: DeviceSettings, t: Translate): string {
  const mapped = Object.entries(s.symbolMap);
  return [
    t("ds-symbols-title", { name: escapeHtml(name) }),
    "",
    t("ds-symbols-explain"),
    "",
    ...(mapped.length === 0
      ? [t("ds-symbols-none")]
      : mapped.map(([from, to]) => `${escapeHtml(from)} → <code>${escapeHtml(to)}</code>`)),
    s.symbolSuffix ? t("ds-suffix", { suffix: escapeHtml(s.symbolSuffix) }) : t("ds-suffix-none"),
  ].join("\n");
}

function symbolsKeyboard(id: string, s: DeviceSettings, t: Translate): InlineKeyboard {
  const cb = (op: string) => `ds:${id}:${op}`;
  const kb = new InlineKeyboard();
  for (const from of Object.keys(s.symbolMap)) kb.text(`🗑 ${from}`, cb(`um:${from}`)).row();
  kb.text(t("ds-btn-map"), cb("ask:map")).row();
  kb.text(mark(s.symbolSuffix === "", t("ds-btn-no-suffix")), cb("x:"));
  for (const suffix of SUFFIX_PRESETS) kb.text(mark(s.symbolSuffix === suffix, suffix), cb(`x:${suffix}`));
  kb.text("✏️", cb("ask:suffix")).row();
  kb.text(t("ds-btn-back"), cb("show"));
  return kb;
}

const QUESTIONS: Record<TypedSetting, (s: DeviceSettings, t: Translate) => string> = {
  value: (s, t) =>
    s.sizing.mode === "fixed"
      ? t("ds-ask-fixed", { max: String(SETTINGS_LIMITS.sizingValue.fixed) })
      : s.sizing.mode === "risk_percent"
        ? t("ds-ask-risk", { max: String(SETTINGS_LIMITS.sizingValue.risk_percent) })
        : t("ds-ask-multiplier", { max: String(SETTINGS_LIMITS.sizingValue.multiplier) }),
  cap: (_s, t) => t("ds-ask-cap", { max: String(SETTINGS_LIMITS.maxLots) }),
  map: (_s, t) => t("ds-ask-map"),
  suffix: (_s, t) => t("ds-ask-suffix", { max: String(SETTINGS_LIMITS.symbolSuffixLength) }),
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
    if (device.revokedAt) return ctx.reply(ctx.t("ds-device-removed"));
    const text =
      screen === "main"
        ? settingsText(device.name, settings, ctx.t)
        : symbolsText(device.name, settings, ctx.t);
    const reply_markup =
      screen === "main" ? settingsKeyboard(id, settings, ctx.t) : symbolsKeyboard(id, settings, ctx.t);
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
    return ctx.reply(QUESTIONS[what](settings, ctx.t));
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
        ? ctx.t("ds-not-a-number")
        : { ...current, sizing: { ...current.sizing, value } };
    } else if (what === "cap") {
      const value = numberFrom(text);
      next = Number.isNaN(value) ? ctx.t("ds-not-a-number") : { ...current, maxLots: value };
    } else if (what === "suffix") {
      next = { ...current, symbolSuffix: text.trim() };
    } else {
      const [from, to, ...rest] = text.trim().split(/\s+/);
      next =
        !from || !to || rest.length > 0
          ? ctx.t("ds-two-symbols")
          : { ...current, symbolMap: { ...current.symbolMap, [from.toUpperCase()]: to } };
    }
    const result = typeof next === "string" ? next : await save(ctx, id, next);
    if (typeof result === "string") {
      const expires = new Date(services.clock.now().getTime() + ANSWER_WAIT_MS);
      await askFor(services.db, ctx.account.user.telegramId, "device_setting", expires, data);
      return ctx.reply(
        `${result}\n\n${QUESTIONS[what](await services.devices.settings(userId(ctx), id), ctx.t)}`,
      );
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
          ctx.t("ds-toast-mode", { mode: MODE_LABEL[mode](ctx.t) }),
        );
      });
      bot.callbackQuery(on("v:(\\d+(?:\\.\\d+)?)"), (ctx) => {
        const value = Number(ctx.match[2]);
        return change(
          ctx,
          ctx.match[1]!,
          "main",
          (s) => ({ ...s, sizing: { ...s.sizing, value } }),
          ctx.t("ds-toast-size"),
        );
      });
      bot.callbackQuery(on("c:(none|\\d+(?:\\.\\d+)?)"), (ctx) => {
        const cap = ctx.match[2] === "none" ? null : Number(ctx.match[2]);
        return change(ctx, ctx.match[1]!, "main", (s) => ({ ...s, maxLots: cap }), ctx.t("ds-toast-cap"));
      });
      bot.callbackQuery(on("s:(\\d+)"), (ctx) => {
        const points = Number(ctx.match[2]);
        return change(
          ctx,
          ctx.match[1]!,
          "main",
          (s) => ({ ...s, maxSlippagePoints: points }),
          ctx.t("ds-toast-slippage"),
        );
      });
      bot.callbackQuery(on("d:(none|\\d+(?:\\.\\d+)?)"), (ctx) => {
        const pct = ctx.match[2] === "none" ? null : Number(ctx.match[2]);
        return change(
          ctx,
          ctx.match[1]!,
          "main",
          (s) => ({ ...s, maxEntryDeviationPct: pct }),
          ctx.t("ds-toast-deviation"),
        );
      });
      bot.callbackQuery(on("p:([01])"), (ctx) => {
        const paused = ctx.match[2] === "1";
        return change(
          ctx,
          ctx.match[1]!,
          "main",
          (s) => ({ ...s, paused }),
          paused ? ctx.t("ds-toast-paused") : ctx.t("ds-toast-resumed"),
        );
      });
      bot.callbackQuery(on("x:(\\S{0,12})"), (ctx) => {
        const suffix = ctx.match[2]!;
        return change(
          ctx,
          ctx.match[1]!,
          "symbols",
          (s) => ({ ...s, symbolSuffix: suffix }),
          ctx.t("ds-toast-suffix"),
        );
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
          ctx.t("ds-toast-unmapped", { symbol: from }),
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
          ctx.t("ds-reset-confirm", {
            name: escapeHtml(device.name),
            lots: String(DEFAULT_SETTINGS.sizing.value),
            points: String(DEFAULT_SETTINGS.maxSlippagePoints),
          }),
          {
            parse_mode: "HTML",
            reply_markup: new InlineKeyboard()
              .text(ctx.t("ds-reset-yes"), `ds:${ctx.match[1]}:reset!`)
              .text(ctx.t("ds-reset-keep"), `ds:${ctx.match[1]}:show`),
          },
        );
      });
      bot.callbackQuery(on("reset!"), (ctx) =>
        change(ctx, ctx.match[1]!, "main", () => DEFAULT_SETTINGS, ctx.t("ds-toast-defaults")),
      );
    },
    answers: { device_setting: (ctx, text, data) => answer(ctx, text, data) },
  };
}
