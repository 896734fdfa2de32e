import { STARS_CURRENCY } from "../payments/payments.models";
import type { OrderStatus } from "./orders.table";

export const ORDER_TTL_MS = 24 * 60 * 60 * 1000;
/** Stripe retries a webhook for up to three days; a payment made in time must still count then. */
export const STRIPE_REDELIVERY_MS = 3 * ORDER_TTL_MS;
/** Stripe refuses a Checkout Session that expires sooner than 30 minutes after creation. */
export const MIN_CHECKOUT_WINDOW_MS = 31 * 60 * 1000;
export const DAYS_PER_MONTH = 30;

/** SPEC.md §Orders: pending → paid → refunded; pending → cancelled | expired. Nothing else. */
export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ["paid", "cancelled", "expired"],
  paid: ["refunded"],
  cancelled: [],
  expired: [],
  refunded: [],
};

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => TRANSITIONS[from].includes(to);

/** The one status a transition to `to` may start from; the conditional UPDATE is built from it. */
export function requiredFrom(to: Exclude<OrderStatus, "pending">): OrderStatus {
  const from = (Object.keys(TRANSITIONS) as OrderStatus[]).find((s) => canTransition(s, to));
  if (!from) throw new RangeError(`no transition leads to ${to}`);
  return from;
}

export const isFinal = (status: OrderStatus): boolean => TRANSITIONS[status].length === 0;

interface Timed {
  status: OrderStatus;
  expiresAt: Date;
}

/** A pending order past its expiry is expired, whether or not the sweeper has written it yet. */
export function effectiveStatus(order: Timed, at: Date): OrderStatus {
  return order.status === "pending" && at.getTime() >= order.expiresAt.getTime() ? "expired" : order.status;
}

export type TransitionCheck = { ok: true } | { ok: false; current: OrderStatus };

/** Whether `to` may happen to the order at `at`; the effective status decides. */
export function checkTransition(order: Timed, to: OrderStatus, at: Date): TransitionCheck {
  const current = effectiveStatus(order, at);
  if (to === "expired" && order.status === "pending") return { ok: true };
  return canTransition(current, to) ? { ok: true } : { ok: false, current };
}

/**
 * Whether the sweeper may write `expired` now. An order with a Stripe session waits out Stripe's
 * redelivery window, because a payment completed before expiry can be announced that late; it
 * reads as expired meanwhile, and Stripe's own `checkout.session.expired` usually comes first.
 */
export function sweepable(order: Timed & { stripeSessionId: string | null }, at: Date): boolean {
  if (order.status !== "pending") return false;
  const grace = order.stripeSessionId ? STRIPE_REDELIVERY_MS : 0;
  return at.getTime() >= order.expiresAt.getTime() + grace;
}

/** A payment counts when it happened while the order could still be paid. */
export const paidInTime = (order: Timed, paidAt: Date): boolean =>
  order.status === "pending" && paidAt.getTime() < order.expiresAt.getTime();

export interface Expected {
  amount: number;
  currency: string;
}

/** What a payment must carry: the order total, or the fixed Stars price for XTR. */
export function expectedPayment(
  order: { totalMinor: number; currency: string; starsAmount: number | null },
  currency: string,
): Expected | null {
  if (currency.toUpperCase() === STARS_CURRENCY) {
    return order.starsAmount === null ? null : { amount: order.starsAmount, currency: STARS_CURRENCY };
  }
  return { amount: order.totalMinor, currency: order.currency };
}

/** Null when the payment matches; otherwise why it does not (kept on the order for review). */
export function paymentMismatch(
  order: { totalMinor: number; currency: string; starsAmount: number | null },
  paid: { amount: number; currency: string },
): string | null {
  const expected = expectedPayment(order, paid.currency);
  if (!expected) return `unexpected currency ${paid.currency.toUpperCase()}`;
  if (expected.currency.toUpperCase() !== paid.currency.toUpperCase()) {
    return `currency ${paid.currency.toUpperCase()} instead of ${expected.currency}`;
  }
  if (expected.amount !== paid.amount) {
    return `amount ${paid.amount} instead of ${expected.amount} ${expected.currency}`;
  }
  return null;
}

export const entitlementDays = (months: number): number => months * DAYS_PER_MONTH;

/** Opaque list cursor: the last id of a page. */
// Stryker disable next-line StringLiteral: Buffer.from reads an empty encoding name as utf8
export const encodeCursor = (id: string): string => Buffer.from(id, "utf8").toString("base64url");

export function decodeCursor(cursor: string): string | null {
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  return /^ord_[0-9A-Z]{26}$/.test(id) ? id : null;
}
