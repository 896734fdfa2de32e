import { quoteView } from "../pricing/pricing.routes";
import { effectiveStatus } from "./orders.models";
import type { AdminOrderView, OrderView } from "./orders.schemas";
import type { OrderRow } from "./orders.table";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function orderView(row: OrderRow, now: Date): OrderView {
  return {
    id: row.id,
    status: effectiveStatus(row, now),
    tierId: row.tierId,
    months: row.months,
    region: row.region,
    // The exact decimal rate stays in the order's fx_rate column; the wire shows API.md's Quote.
    quote: quoteView(row.quote),
    coupon: row.couponCode,
    renewal: row.renewal,
    subscriptionId: row.subscriptionId,
    totalMinor: row.totalMinor,
    currency: row.currency,
    provider: row.provider,
    createdAt: row.createdAt.toISOString(),
    paidAt: iso(row.paidAt),
    expiresAt: row.expiresAt.toISOString(),
  };
}

export function adminOrderView(row: OrderRow, now: Date): AdminOrderView {
  return {
    ...orderView(row, now),
    userId: row.userId,
    providerReference: row.providerReference,
    flaggedReason: row.flaggedReason,
    cancelledAt: iso(row.cancelledAt),
    refundedAt: iso(row.refundedAt),
  };
}
