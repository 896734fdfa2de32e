import type Stripe from "stripe";
import type { UnitOfWork } from "../../shared/events";
import type { OrdersService } from "../orders/orders.service";
import { paymentCards } from "./payments.table";

/** The payment whose card a Stripe event settles: a one-off order's intent or a subscription invoice. */
export type CardPayment = { paymentIntent: string } | { invoice: string };

/** Outcomes of an event that mean the order's buyer paid with the event's card. */
const PAID_RESULTS = new Set(["paid", "renewed", "duplicate"]);

/**
 * The payment an event settles, if it is one whose card we learn: a paid one-off checkout, or a
 * paid subscription invoice (the first included: its checkout event carries no payment intent).
 */
export function cardPaymentOf(event: Stripe.Event): CardPayment | undefined {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const session = event.data.object;
      const intent = session.payment_intent;
      if (session.mode !== "payment" || session.payment_status !== "paid" || !intent) return undefined;
      return { paymentIntent: typeof intent === "string" ? intent : intent.id };
    }
    case "invoice.paid": {
      const invoice = event.data.object;
      return invoice.id && invoice.parent?.subscription_details ? { invoice: invoice.id } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Keeps the card (Stripe fingerprint) a user paid an order with. A card new to the user is
 * announced (`payments.card_used`) in the payment's transaction, once per user and card.
 */
export function createCardRecorder(deps: { orders: Pick<OrdersService, "findById"> }) {
  return async function recordCard(
    uow: UnitOfWork,
    outcome: { result: string; orderId?: string },
    fingerprint: string,
    at: Date,
  ): Promise<void> {
    if (!outcome.orderId || !PAID_RESULTS.has(outcome.result)) return;
    const order = await deps.orders.findById(outcome.orderId, uow.tx);
    if (!order) return;
    const [added] = await uow.tx
      .insert(paymentCards)
      .values({ userId: order.userId, fingerprint, firstOrderId: order.id, firstSeenAt: at })
      .onConflictDoNothing()
      .returning({ userId: paymentCards.userId });
    if (added) await uow.emit("payments.card_used", { userId: order.userId, fingerprint, orderId: order.id });
  };
}
