import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { orders } from "../orders/orders.table";
import type { AutoRenewal } from "../renewals/renewals.service";
import { subscriptions } from "./subscriptions.table";

const GRACE_GRANTOR = "subscription:";

/**
 * Which plans renew by themselves, for the renewal reminders (they get none): a period paid by
 * a subscription's order (its first order or a renewal), or a grace a subscription gave, while
 * that subscription is live: not ended and not cancelled at period end. A cancelled one will
 * not renew, so its holder hears the reminders and the end like any other plan.
 */
export function subscriptionsAutoRenewal(db: Executor): AutoRenewal {
  return {
    async renewing(lastPeriods) {
      const orderIds = lastPeriods.flatMap((p) => (p.orderId ? [p.orderId] : []));
      const subscriptionOfOrder = new Map<string, string>();
      if (orderIds.length > 0) {
        const paid = await db
          .select({ orderId: orders.id, subscriptionId: orders.subscriptionId })
          .from(orders)
          .where(inArray(orders.id, orderIds));
        for (const o of paid) if (o.subscriptionId) subscriptionOfOrder.set(o.orderId, o.subscriptionId);
        const first = await db
          .select({ orderId: subscriptions.orderId, id: subscriptions.id })
          .from(subscriptions)
          .where(inArray(subscriptions.orderId, orderIds));
        for (const s of first) subscriptionOfOrder.set(s.orderId, s.id);
      }
      const subscriptionOf = (p: (typeof lastPeriods)[number]) =>
        p.orderId
          ? subscriptionOfOrder.get(p.orderId)
          : p.sourceKind === "grace" && p.grantedBy?.startsWith(GRACE_GRANTOR)
            ? p.grantedBy.slice(GRACE_GRANTOR.length)
            : undefined;
      const wanted = [...new Set(lastPeriods.flatMap((p) => subscriptionOf(p) ?? []))];
      if (wanted.length === 0) return new Set();
      const live = new Set(
        (
          await db
            .select({ id: subscriptions.id })
            .from(subscriptions)
            .where(
              and(
                inArray(subscriptions.id, wanted),
                isNull(subscriptions.endedAt),
                eq(subscriptions.cancelAtPeriodEnd, false),
              ),
            )
        ).map((s) => s.id),
      );
      return new Set(lastPeriods.filter((p) => live.has(subscriptionOf(p) ?? "")).map((p) => p.id));
    },
  };
}
