import type { Level } from "../catalog/catalog.models";
import type { RegionCode } from "../pricing/pricing.models";
import type { UserRow } from "./users.table";

export type Role = "user" | "admin";

export interface Features {
  signals: boolean;
  maxDevices: number;
  autoApprove: boolean;
  minSignalTier?: Exclude<Level, "free">;
}

export const FREE_FEATURES: Features = { signals: false, maxDevices: 1, autoApprove: false };

/** What other modules need to know about a user's plan (the entitlements module answers). */
export interface AccessResolver {
  tierOf(userId: string, at?: Date): Promise<Level>;
  featuresOf(userId: string, at?: Date): Promise<Features>;
}

/** An admin is either granted in the database (CLI `token --admin`) or listed in ADMIN_TELEGRAM_IDS. */
export function effectiveRole(
  user: Pick<UserRow, "role" | "telegramId">,
  adminIds: ReadonlySet<number>,
): Role {
  return user.role === "admin" || adminIds.has(user.telegramId) ? "admin" : "user";
}

export interface UserView {
  id: string;
  telegramId: number;
  username: string | null;
  firstName: string;
  role: Role;
  tier: Level;
  autoApprove: boolean;
  region: RegionCode | null;
  referredBy: string | null;
  createdAt: string;
}
