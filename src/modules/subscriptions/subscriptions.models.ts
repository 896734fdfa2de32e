import type { SubscriptionRow } from "./subscriptions.table";

export const SUBSCRIPTION_STATUSES = ["active", "past_due", "cancelled", "ended"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** A failed renewal keeps access this long (SPEC.md §Subscriptions). */
export const GRACE_DAYS = 3;

/** Ended beats cancelled (at period end) beats past due beats active. */
export function statusOf(
  row: Pick<SubscriptionRow, "endedAt" | "cancelAtPeriodEnd" | "pastDueSince">,
): SubscriptionStatus {
  if (row.endedAt) return "ended";
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
