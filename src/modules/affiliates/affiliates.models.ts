import { randomBytes } from "node:crypto";
import { roundHalfAwayFromZero } from "../pricing/pricing.models";

/** Codes people read aloud and retype: no 0/O, 1/I/L. */
export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const CODE_LENGTH = 8;
const CODE_SHAPE = new RegExp(`^[${CODE_ALPHABET}]{4,16}$`);

export const AFFILIATE_TIERS = ["bronze", "silver", "gold", "platinum"] as const;
export type AffiliateTier = (typeof AFFILIATE_TIERS)[number];

export interface TierSchedule {
  /** Converted referrals needed for silver, gold and platinum. */
  thresholds: readonly [number, number, number];
  ratesBps: readonly [number, number, number, number];
}

export const DEFAULT_TIER_SCHEDULE: TierSchedule = {
  thresholds: [10, 25, 50],
  ratesBps: [1000, 1500, 2000, 2500],
};

export const COMMISSION_WINDOW_MONTHS = 12;
export const VELOCITY_WINDOW_MS = 60 * 60 * 1000;
/** More attributed signups than this within the window raise a `velocity` flag. */
export const VELOCITY_LIMIT = 20;
export const PAYOUT_INTERVAL_MS = 10_000;
export const DAY_MS = 86_400_000;

/** A fresh code; bytes past the last whole multiple of the alphabet are dropped so no letter is likelier. */
export function generateCode(random: (n: number) => Buffer = randomBytes): string {
  const limit = 256 - (256 % CODE_ALPHABET.length);
  let code = "";
  while (code.length < CODE_LENGTH) {
    for (const b of random(CODE_LENGTH * 2)) {
      if (b < limit && code.length < CODE_LENGTH) code += CODE_ALPHABET[b % CODE_ALPHABET.length];
    }
  }
  return code;
}

/**
 * The code a visitor arrived with, as we store codes, or null when it cannot be one. Case is
 * forgiven (people type); anything outside the alphabet is refused rather than guessed, since
 * `0` could have meant either of two letters we never issue.
 */
export function normalizeCode(raw: string | null | undefined): string | null {
  if (typeof raw !== "string") return null;
  const code = raw.trim().toUpperCase();
  return CODE_SHAPE.test(code) ? code : null;
}

export function tierFor(
  conversions: number,
  schedule: TierSchedule,
): { tier: AffiliateTier; rateBps: number } {
  let index = 0;
  for (const threshold of schedule.thresholds) if (conversions >= threshold) index++;
  return { tier: AFFILIATE_TIERS[index]!, rateBps: schedule.ratesBps[index]! };
}

/** round(base × rate), halves away from zero, exactly. */
export function commissionMinor(baseMinor: number, rateBps: number): number {
  return Number(roundHalfAwayFromZero(BigInt(baseMinor) * BigInt(rateBps), 10_000n));
}

/** The end of a referred user's commission window: the same instant twelve calendar months later (UTC). */
export function commissionWindowEnd(signupAt: Date): Date {
  const end = new Date(signupAt.getTime());
  end.setUTCMonth(end.getUTCMonth() + COMMISSION_WINDOW_MONTHS);
  return end;
}

export const isWithinCommissionWindow = (signupAt: Date, paidAt: Date): boolean =>
  paidAt.getTime() < commissionWindowEnd(signupAt).getTime();

export type CommissionStatus = "pending" | "available" | "paid" | "reversed";

/** What an entry is at `now`: open entries turn available by time alone. */
export function commissionStatusAt(
  entry: { status: "open" | "paid" | "reversed" | "split"; availableAt: Date },
  now: Date,
): CommissionStatus {
  if (entry.status === "open") return entry.availableAt.getTime() <= now.getTime() ? "available" : "pending";
  if (entry.status === "split") throw new RangeError("a split entry is replaced by its parts");
  return entry.status;
}

export interface OpenEntry {
  id: string;
  amountMinor: number;
}

export interface PayoutAllocation {
  /** Entries paid whole. */
  paid: string[];
  /** The entry paid in part: `paidMinor` of it goes to this payout, the rest stays open. */
  split: { id: string; paidMinor: number; remainderMinor: number } | null;
}

/**
 * Which available entries a payout of `amount` settles, oldest first, so the paid entries sum to
 * exactly the payout. Clawbacks (negative) always fit; the first commission that would overshoot
 * is split. Null when the entries do not reach the amount.
 */
export function allocatePayout(entries: readonly OpenEntry[], amount: number): PayoutAllocation | null {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError("amount must be a positive integer");
  // A later clawback still counts against what may leave: never pay more than the net.
  if (entries.reduce((sum, e) => sum + e.amountMinor, 0) < amount) return null;
  const paid: string[] = [];
  let covered = 0;
  for (const entry of entries) {
    if (covered === amount) break;
    if (covered + entry.amountMinor <= amount) {
      paid.push(entry.id);
      covered += entry.amountMinor;
      continue;
    }
    const paidMinor = amount - covered;
    return { paid, split: { id: entry.id, paidMinor, remainderMinor: entry.amountMinor - paidMinor } };
  }
  return { paid, split: null };
}

/** Opaque keyset cursor over (createdAt, id), newest first. */
export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  const [at, id, extra] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  // Stryker disable next-line ConditionalExpression,LogicalOperator: an empty id fails the pattern and an empty time the date check
  if (!at || !id || extra !== undefined || !/^[A-Za-z0-9_]{1,64}$/.test(id)) return null;
  const createdAt = new Date(at);
  return Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== at ? null : { createdAt, id };
}

/** Rows fetched with limit + 1 become a page: the extra row only says that there is a next one. */
export function pageOf<R extends { createdAt: Date; id: string }, V>(
  rows: R[],
  page: { limit: number },
  view: (row: R) => V,
): { items: V[]; nextCursor: string | null } {
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return { items: items.map(view), nextCursor: rows.length > page.limit && last ? encodeCursor(last) : null };
}
