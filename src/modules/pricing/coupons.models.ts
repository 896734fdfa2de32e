import type { Quote, QuoteLine } from "./pricing.models";
import { roundHalfAwayFromZero } from "./pricing.models";

export const COUPON_CODE = /^[A-Z0-9_-]{3,32}$/;

export interface CouponTerms {
  code: string;
  percentOff: number | null;
  amountOffMinor: number | null;
  currency: string | null;
  maxRedemptions: number | null;
  expiresAt: Date | null;
  tierIds: string[] | null;
  firstOrderOnly: boolean;
  deletedAt: Date | null;
}

/** What decides whether a coupon applies, besides its own terms. */
export interface CouponUse {
  tierId: string;
  currency: string;
  at: Date;
  /** Whether the buyer has ever paid an order (firstOrderOnly coupons refuse them); unknown for anonymous quotes. */
  hasPaidBefore: boolean | undefined;
  /** Paid plus reserved (pending, unexpired) orders carrying the code, this one excluded. */
  redemptions: number;
}

/** Null when the coupon applies; otherwise why not (the detail of `pricing.coupon_invalid`). */
export function couponRefusal(c: CouponTerms, use: CouponUse): string | null {
  if (c.deletedAt) return `Coupon ${c.code} does not exist`;
  if (c.expiresAt && use.at.getTime() >= c.expiresAt.getTime()) return `Coupon ${c.code} has expired`;
  if (c.tierIds && !c.tierIds.includes(use.tierId)) return `Coupon ${c.code} does not apply to this plan`;
  if (c.amountOffMinor !== null && c.currency?.toUpperCase() !== use.currency.toUpperCase()) {
    return `Coupon ${c.code} is for prices in ${c.currency}`;
  }
  if (c.firstOrderOnly && use.hasPaidBefore) return `Coupon ${c.code} is for a first order only`;
  if (c.maxRedemptions !== null && use.redemptions >= c.maxRedemptions) {
    return `Coupon ${c.code} has been used up`;
  }
  return null;
}

/**
 * API.md §14: the coupon line comes after the volume discount, on s3 = base + markup +
 * affiliate + volume (the total so far): −round(s3 × percent), or a fixed amount capped at s3.
 */
export function couponLineMinor(s3: number, c: Pick<CouponTerms, "percentOff" | "amountOffMinor">): number {
  if (c.percentOff !== null) return -Number(roundHalfAwayFromZero(BigInt(s3) * BigInt(c.percentOff), 100n));
  return -Math.min(c.amountOffMinor ?? 0, s3);
}

/** The quote with the coupon's line added and the total lowered; the input is not changed. */
export function withCoupon(quote: Quote, c: CouponTerms): Quote & { coupon: string } {
  const amountMinor = couponLineMinor(quote.totalMinor, c);
  const lines: QuoteLine[] = [...quote.lines, { code: "coupon", amountMinor }];
  return { ...quote, lines, totalMinor: quote.totalMinor + amountMinor, coupon: c.code };
}
