import type { SubscriptionRow } from "./subscriptions.table";

export const SUBSCRIPTION_STATUSES = ["active", "past_due", "cancelled", "ended"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** A failed renewal keeps access this long (SPEC.md §Subscriptions). */
export const GRACE_DAYS = 3;

/**
 * Telegram Star subscriptions renew every 30 days (`subscription_period` of createInvoiceLink, in
 * seconds; the only period Telegram takes), so only a one-month plan can renew with Stars.
 */
export const STARS_SUBSCRIPTION_PERIOD_S = 30 * 86_400;
export const STARS_RENEWABLE_MONTHS = 1;
export const starsCanRenew = (months: number) => months === STARS_RENEWABLE_MONTHS;

/**
 * Telegram says nothing when a Star subscription lapses (cancelled, or too few Stars): one whose
 * reported period ended this long ago without a renewal payment has ended. The slack covers a
 * renewal charged at the due time and delivered late.
 */
export const STARS_LAPSE_MS = 86_400_000;

/** A Star subscription is over once its paid period is past by more than the slack. */
export function starsLapsed(
  row: Pick<SubscriptionRow, "provider" | "providerPeriodEnd">,
  now: Date,
): boolean {
  return (
    row.provider === "stars" &&
    row.providerPeriodEnd !== null &&
    row.providerPeriodEnd.getTime() + STARS_LAPSE_MS < now.getTime()
  );
}

/** Ended (or a Star subscription lapsed) beats cancelled (at period end) beats past due beats active. */
export function statusOf(
  row: Pick<
    SubscriptionRow,
    "endedAt" | "cancelAtPeriodEnd" | "pastDueSince" | "provider" | "providerPeriodEnd"
  >,
  now: Date,
): SubscriptionStatus {
  if (row.endedAt || starsLapsed(row, now)) return "ended";
  if (row.cancelAtPeriodEnd) return "cancelled";
  if (row.pastDueSince) return "past_due";
  return "active";
}

/** What a Stripe subscription's state means for ours; undefined leaves that part as it is. */
export function fromStripeStatus(
  status: string,
  cancelAtPeriodEnd: boolean,
): { ended: boolean; pastDue: boolean | undefined; cancelAtPeriodEnd: boolean } {
  switch (status) {
    case "canceled":
    case "incomplete_expired":
      return { ended: true, pastDue: undefined, cancelAtPeriodEnd };
    case "past_due":
    case "unpaid":
      return { ended: false, pastDue: true, cancelAtPeriodEnd };
    case "active":
    case "trialing":
      return { ended: false, pastDue: false, cancelAtPeriodEnd };
    default:
      // incomplete, paused: nothing we act on.
      return { ended: false, pastDue: undefined, cancelAtPeriodEnd };
  }
}
