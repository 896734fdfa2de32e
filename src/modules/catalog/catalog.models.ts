import type { Features, Level } from "../users/users.models";

export type PaidLevel = Exclude<Level, "free">;
export const PAID_LEVELS = ["premium", "vip", "enterprise"] as const;

const RANK: Record<Level, number> = { free: 0, premium: 1, vip: 2, enterprise: 3 };
export const levelRank = (level: Level): number => RANK[level];
export const levelAtLeast = (level: Level, min: Level): boolean => RANK[level] >= RANK[min];

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
      name: "Premium",
      monthlyPriceMinor: 2900,
      features: { signals: true, maxDevices: 1, autoApprove: false, minSignalTier: "premium" },
    },
    {
      level: "vip",
      name: "VIP",
      monthlyPriceMinor: 5900,
      features: { signals: true, maxDevices: 3, autoApprove: true, minSignalTier: "vip" },
    },
    {
      level: "enterprise",
      name: "Enterprise",
      monthlyPriceMinor: 19900,
      features: { signals: true, maxDevices: 10, autoApprove: true, minSignalTier: "enterprise" },
    },
  ] satisfies DefaultTier[],
};
