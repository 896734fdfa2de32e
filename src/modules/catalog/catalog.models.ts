import type { Features } from "../users/users.models";

/**
 * The plan levels, lowest first: declared here once. Table enums, request schemas and the bot
 * all read them from here; the order is the rank (`levelAtLeast`).
 */
export const PAID_LEVELS = ["premium", "vip", "enterprise"] as const;
export type PaidLevel = (typeof PAID_LEVELS)[number];
export const LEVELS = ["free", ...PAID_LEVELS] as const;
export type Level = (typeof LEVELS)[number];

/** How people read each level: the bot's texts and the default catalog's tier names. */
export const PLAN_NAMES: Readonly<Record<Level, string>> = {
  free: "Free",
  premium: "Premium",
  vip: "VIP",
  enterprise: "Enterprise",
};

/** The display name of a level; a text that is not a level is shown as it is. */
export const planName = (level: string): string =>
  Object.hasOwn(PLAN_NAMES, level) ? PLAN_NAMES[level as Level] : level;

export const levelRank = (level: Level): number => LEVELS.indexOf(level);
export const levelAtLeast = (level: Level, min: Level): boolean => levelRank(level) >= levelRank(min);

export interface DefaultTier {
  level: PaidLevel;
  name: string;
  monthlyPriceMinor: number;
  features: Required<Features>;
}

/** The catalog SPEC.md ships with; seeded once, then the operator's to edit. */
export const DEFAULT_CATALOG = {
  category: { slug: "signals", name: "Signals" },
  product: { slug: "fx-signals", name: "FX Signals", description: "Trade signals for the major FX pairs" },
  tiers: [
    {
      level: "premium",
      name: PLAN_NAMES.premium,
      monthlyPriceMinor: 2900,
      features: { signals: true, maxDevices: 1, autoApprove: false, minSignalTier: "premium" },
    },
    {
      level: "vip",
      name: PLAN_NAMES.vip,
      monthlyPriceMinor: 5900,
      features: { signals: true, maxDevices: 3, autoApprove: true, minSignalTier: "vip" },
    },
    {
      level: "enterprise",
      name: PLAN_NAMES.enterprise,
      monthlyPriceMinor: 19900,
      features: { signals: true, maxDevices: 10, autoApprove: true, minSignalTier: "enterprise" },
    },
  ] satisfies DefaultTier[],
};
