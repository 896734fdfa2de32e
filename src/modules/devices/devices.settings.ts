/**
 * Device settings (API.md §11): how the subscriber's Expert Advisor sizes and places what it
 * receives. Pure data and rules; the devices service stores them, the delivery index serves
 * them with every poll.
 */

export type SizingMode = "fixed" | "risk_percent" | "multiplier";
export const SIZING_MODES: readonly SizingMode[] = ["fixed", "risk_percent", "multiplier"];

/** What the owner sets: the whole object a PUT replaces (everything but `version`). */
export interface DeviceSettingsInput {
  sizing: { mode: SizingMode; value: number };
  maxLots: number | null;
  symbolMap: Record<string, string>;
  symbolSuffix: string;
  maxSlippagePoints: number;
  maxEntryDeviationPct: number | null;
  paused: boolean;
}

export interface DeviceSettings extends DeviceSettingsInput {
  version: number;
}

/** API.md §11: fixed 0.01 lots, no map, no suffix, slippage 30, no deviation limit, not paused. */
export const DEFAULT_SETTINGS: DeviceSettingsInput = Object.freeze({
  sizing: Object.freeze({ mode: "fixed", value: 0.01 }) as DeviceSettingsInput["sizing"],
  maxLots: null,
  symbolMap: Object.freeze({}) as Record<string, string>,
  symbolSuffix: "",
  maxSlippagePoints: 30,
  maxEntryDeviationPct: null,
  paused: false,
});

/** A device's settings before any change are version 1; each PUT adds one. */
export const FIRST_SETTINGS_VERSION = 1;

/**
 * Upper limits. They are the ranges the reference EA (clients/mt5/SignalDesk/Settings.mqh)
 * trades with: refusing beyond them here means the owner is told at once, instead of the EA
 * quietly clamping a value the owner believes is in force.
 */
export const SETTINGS_LIMITS = {
  sizingValue: { fixed: 100, risk_percent: 10, multiplier: 10 } satisfies Record<SizingMode, number>,
  maxLots: 1000,
  symbolMapEntries: 100,
  brokerSymbolLength: 32,
  symbolSuffixLength: 12,
  maxSlippagePoints: 10_000,
  maxEntryDeviationPct: 100,
} as const;

/** Settings as stored (null: never changed, the defaults apply) with their version. */
export function settingsOf(stored: DeviceSettingsInput | null, version: number): DeviceSettings {
  const s = stored ?? DEFAULT_SETTINGS;
  // Built field by field: the answer's shape and order never depend on what was stored.
  return {
    version,
    sizing: { mode: s.sizing.mode, value: s.sizing.value },
    maxLots: s.maxLots,
    symbolMap: { ...s.symbolMap },
    symbolSuffix: s.symbolSuffix,
    maxSlippagePoints: s.maxSlippagePoints,
    maxEntryDeviationPct: s.maxEntryDeviationPct,
    paused: s.paused,
  };
}

/** The settings without their version, as a PUT body or a stored value. */
export function inputOf(settings: DeviceSettings): DeviceSettingsInput {
  const { version: _version, ...input } = settings;
  return input;
}

/** One line for people: "fixed 0.1 lots, cap 1 lot, suffix .m, 2 symbols mapped, slippage 30 pts". */
export function describeSettings(s: DeviceSettingsInput): string {
  const sizing =
    s.sizing.mode === "fixed"
      ? `fixed ${s.sizing.value} lots`
      : s.sizing.mode === "risk_percent"
        ? `risk ${s.sizing.value}% of equity per trade`
        : `${s.sizing.value}× the signal's volume`;
  const parts = [sizing];
  if (s.maxLots !== null) parts.push(`cap ${s.maxLots} lots`);
  const mapped = Object.keys(s.symbolMap).length;
  if (mapped > 0) parts.push(`${mapped} symbol${mapped === 1 ? "" : "s"} mapped`);
  if (s.symbolSuffix) parts.push(`suffix ${s.symbolSuffix}`);
  parts.push(`slippage ${s.maxSlippagePoints} pts`);
  if (s.maxEntryDeviationPct !== null) parts.push(`entry deviation ≤ ${s.maxEntryDeviationPct}%`);
  return parts.join(", ");
}

/** The broker symbol the EA trades for a signal's instrument: the map first, else the suffix. */
export function brokerSymbol(s: Pick<DeviceSettingsInput, "symbolMap" | "symbolSuffix">, instrument: string) {
  return s.symbolMap[instrument] ?? instrument + s.symbolSuffix;
}
