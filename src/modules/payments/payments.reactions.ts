import type { Logger } from "pino";
import type { Events } from "../../shared/events";
import type { OrdersService } from "../orders/orders.service";
import type { StripeGateway } from "./payments.stripe";

/** Payments' reactions: a cancelled order must not stay payable at Stripe. */
export function registerPaymentReactions(
  events: Events,
  deps: {
    orders: Pick<OrdersService, "findById">;
    stripe: StripeGateway | undefined;
    logger: Pick<Logger, "warn">;
  },
): void {
  // Failing here only means a later payment for the order is flagged for review.
  events.afterCommit("orders.cancelled", async ({ orderId }) => {
    const order = await deps.orders.findById(orderId);
    if (!deps.stripe || !order?.stripeSessionId) return;
    await deps.stripe.expireSession(order.stripeSessionId).catch((err) => {
      deps.logger.warn({ err, orderId }, "could not expire the Stripe session of a cancelled order");
    });
  });
}
