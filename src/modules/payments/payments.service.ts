import { desc, eq, isNotNull } from "drizzle-orm";
import type { Logger } from "pino";
import type Stripe from "stripe";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import type { Events } from "../../shared/events";
import type { Metrics } from "../../shared/metrics";
import { type UnitOfWork, withTransaction } from "../../shared/unit-of-work";
import type { CatalogService } from "../catalog/catalog.service";
import { OrderErrors } from "../orders/orders.errors";
import { effectiveStatus, MIN_CHECKOUT_WINDOW_MS } from "../orders/orders.models";
import type { OrdersService } from "../orders/orders.service";
import type { OrderRow } from "../orders/orders.table";
import { toGbpMinor } from "../pricing/pricing.models";
import { SubscriptionErrors } from "../subscriptions/subscriptions.errors";
import { STARS_SUBSCRIPTION_PERIOD_S, starsCanRenew } from "../subscriptions/subscriptions.models";
import type { PaymentOutcome, SubscriptionsService } from "../subscriptions/subscriptions.service";
import type { UsersService } from "../users/users.service";
import { type CardPayment, cardPaymentOf, createCardRecorder } from "./payments.cards";
import { PaymentErrors } from "./payments.errors";
import {
  checkoutPageToken,
  type HandledStripeEvent,
  isHandledStripeEvent,
  starsFor,
} from "./payments.models";
import type { StarsInvoiceLinks, StarsInvoiceWords, StarsRefunds } from "./payments.stars";
import type { StripeGateway } from "./payments.stripe";
import { stripeEvents } from "./payments.table";

export type PaymentsService = ReturnType<typeof createPaymentsService>;

export interface CheckoutResult {
  provider: "stripe";
  url: string;
  sessionId: string;
}

/** A Stars checkout: the invoice link the Mini App opens with `WebApp.openInvoice`. */
export interface StarsCheckoutResult {
  provider: "stars";
  url: string;
}

interface Applied {
  result: string;
  orderId?: string;
  /** Why the event needs an operator's look (kept on its stripe_events row). */
  flag?: string;
}

const idOf = (ref: string | { id: string } | null | undefined): string | undefined =>
  typeof ref === "string" ? ref : (ref?.id ?? undefined);

/** Our order id on a Checkout Session: we set both fields to it when creating the session. */
const sessionOrderId = (session: Stripe.Checkout.Session): string | undefined =>
  session.client_reference_id ?? session.metadata?.orderId ?? undefined;

export function createPaymentsService(deps: {
  db: Executor;
  clock: Clock;
  orders: OrdersService;
  catalog: Pick<CatalogService, "findTier">;
  stripe: StripeGateway | undefined;
  /** Telegram Stars: the invoice links (absent without a bot token), the rate and the invoice's words. */
  stars: {
    links: StarsInvoiceLinks | undefined;
    refunds: StarsRefunds | undefined;
    perGbp: number;
    words: StarsInvoiceWords;
  };
  users: Pick<UsersService, "findById">;
  subscriptions: Pick<SubscriptionsService, "recordPayment" | "recordPaymentFailed" | "recordProviderState">;
  publicUrl: string;
  /** Keys the checkout pages' links (see checkoutPageToken). */
  pageSecret: string;
  events: Events;
  metrics: Pick<Metrics, "counter">;
  logger: Pick<Logger, "info" | "warn" | "error">;
}) {
  const { clock, orders, logger } = deps;
  const recordCard = createCardRecorder(deps);
  const stripeEventsTotal = deps.metrics.counter("stripe_events_total", "Stripe webhook events by outcome", [
    "type",
    "result",
  ]);

  /** A checkout page for the order, openable by whoever holds the link (API.md §13, SPEC.md). */
  const returnUrl = (page: "success" | "cancel", orderId: string) =>
    `${deps.publicUrl}/checkout/${page}?order=${orderId}&t=${checkoutPageToken(deps.pageSecret, orderId)}`;

  function requireStripe(): StripeGateway {
    if (!deps.stripe) throw PaymentErrors.providerUnavailable("Stripe is not configured (STRIPE_SECRET_KEY)");
    return deps.stripe;
  }

  async function pay(
    uow: UnitOfWork,
    event: Stripe.Event,
    session: Stripe.Checkout.Session,
  ): Promise<Applied> {
    const orderId = sessionOrderId(session);
    if (!orderId) return { result: "order_not_found" };
    // client_reference_id is ours, but only the session we created for this order may pay it: a
    // session made for another order (or outside this service) naming this order pays nothing.
    const order = await orders.findById(orderId, uow.tx);
    if (!order) return { result: "order_not_found" };
    if (order.stripeSessionId !== session.id) {
      logger.warn(
        { eventId: event.id, orderId, sessionId: session.id, stored: order.stripeSessionId },
        "stripe session does not match the order's session",
      );
      return { result: "session_mismatch", orderId };
    }
    const outcome = await orders.markOrderPaid(
      {
        orderId,
        provider: "stripe",
        reference: idOf(session.payment_intent) ?? session.id,
        // The signature proves the sender, not the shape: a missing or odd field is a mismatch to review.
        amount: typeof session.amount_total === "number" ? session.amount_total : -1,
        currency: typeof session.currency === "string" ? session.currency : "",
        paidAt: new Date(event.created * 1000),
      },
      uow,
    );
    const result = outcome.result === "mismatch" ? "flagged" : outcome.result;
    const reason = outcome.result === "mismatch" ? outcome.reason : undefined;
    if (result !== "paid")
      logger.warn({ eventId: event.id, orderId, result, reason }, "stripe payment not applied");
    return { result: result === "not_found" ? "order_not_found" : result, orderId };
  }

  async function expire(tx: Executor, session: Stripe.Checkout.Session): Promise<Applied> {
    const orderId = sessionOrderId(session);
    if (!orderId) return { result: "order_not_found" };
    const row = await orders.expireForSession(tx, orderId, session.id);
    return { result: row ? "expired" : "not_pending", orderId };
  }

  async function refund(
    uow: UnitOfWork,
    event: Stripe.Event,
    charge: Stripe.Charge,
    invoiceId: string | undefined,
  ): Promise<Applied> {
    const { tx } = uow;
    // Stripe sets `refunded` only once the whole amount is back; a partial refund keeps the plan.
    if (!charge.refunded || charge.amount_refunded < charge.amount) return { result: "partial_refund" };
    const paymentIntent = idOf(charge.payment_intent);
    // A one-off order is paid by a payment intent; a subscription's period by an invoice.
    const order =
      (paymentIntent && (await orders.findByProviderReference(tx, "stripe", paymentIntent))) ||
      (charge.metadata?.orderId ? await orders.findById(charge.metadata.orderId, tx) : undefined) ||
      (invoiceId ? await orders.findByProviderReference(tx, "stripe", invoiceId) : undefined);
    if (!order) return { result: "order_not_found" };
    const outcome = await orders.markOrderRefunded(
      { orderId: order.id, provider: "stripe", reference: charge.id },
      uow,
    );
    if (outcome.result !== "refunded") {
      logger.warn(
        { eventId: event.id, orderId: order.id, result: outcome.result },
        "stripe refund not applied",
      );
    }
    return { result: outcome.result, orderId: order.id };
  }

  /** A subscription-mode session paid: the subscription's first payment (its first invoice). */
  async function subscribe(uow: UnitOfWork, event: Stripe.Event, session: Stripe.Checkout.Session) {
    const outcome = await deps.subscriptions.recordPayment(uow, {
      provider: "stripe",
      providerSubscriptionId: idOf(session.subscription),
      orderId: sessionOrderId(session),
      reference: idOf(session.invoice) ?? session.id,
      first: true,
      amount: typeof session.amount_total === "number" ? session.amount_total : -1,
      currency: typeof session.currency === "string" ? session.currency : "",
      paidAt: new Date(event.created * 1000),
      customerId: idOf(session.customer),
    });
    return applied(event, outcome);
  }

  /** The subscription an invoice is for, and our order in its metadata (API version 2025-03-31 and later). */
  function invoiceSubscription(invoice: Stripe.Invoice) {
    const details = invoice.parent?.subscription_details;
    return { subscriptionId: idOf(details?.subscription), orderId: details?.metadata?.orderId };
  }

  async function invoicePaid(uow: UnitOfWork, event: Stripe.Event, invoice: Stripe.Invoice) {
    const { subscriptionId, orderId } = invoiceSubscription(invoice);
    if (!subscriptionId || !invoice.id) return { result: "ignored" };
    const paidAt = invoice.status_transitions?.paid_at ?? event.created;
    const outcome = await deps.subscriptions.recordPayment(uow, {
      provider: "stripe",
      providerSubscriptionId: subscriptionId,
      orderId,
      reference: invoice.id,
      // The first invoice is the checkout's own payment: it pays the order, never a second period.
      first: invoice.billing_reason === "subscription_create",
      amount: invoice.amount_paid,
      currency: invoice.currency,
      paidAt: new Date(paidAt * 1000),
      customerId: idOf(invoice.customer),
    });
    return applied(event, outcome);
  }

  function applied(event: Stripe.Event, outcome: PaymentOutcome): Applied {
    switch (outcome.result) {
      case "unknown_subscription":
        return { result: "unknown_subscription", flag: "payment for a subscription no order of ours knows" };
      case "flagged":
        logger.warn(
          { eventId: event.id, orderId: outcome.orderId, reason: outcome.reason },
          "subscription payment flagged",
        );
        return { result: "flagged", orderId: outcome.orderId };
      default:
        return { result: outcome.result, orderId: outcome.orderId };
    }
  }

  async function invoiceFailed(uow: UnitOfWork, event: Stripe.Event, invoice: Stripe.Invoice) {
    const { subscriptionId } = invoiceSubscription(invoice);
    if (!subscriptionId || !invoice.id) return { result: "ignored" };
    // The first payment is taken on the Checkout page, which tells the buyer there and then.
    if (invoice.billing_reason === "subscription_create") return { result: "ignored" };
    const outcome = await deps.subscriptions.recordPaymentFailed(uow, {
      provider: "stripe",
      providerSubscriptionId: subscriptionId,
      reference: invoice.id,
      at: new Date(event.created * 1000),
    });
    if (outcome.result === "unknown_subscription")
      return { result: outcome.result, flag: "failed payment for a subscription no order of ours knows" };
    return { result: outcome.result };
  }

  async function subscriptionChanged(uow: UnitOfWork, event: Stripe.Event, sub: Stripe.Subscription) {
    const outcome = await deps.subscriptions.recordProviderState(uow, {
      provider: "stripe",
      providerSubscriptionId: sub.id,
      orderId: sub.metadata?.orderId,
      status: sub.status,
      cancelAtPeriodEnd: sub.cancel_at_period_end,
      deleted: event.type === "customer.subscription.deleted",
      customerId: idOf(sub.customer),
      at: new Date(event.created * 1000),
    });
    return { result: outcome.result };
  }

  async function apply(
    uow: UnitOfWork,
    event: Stripe.Event,
    context: { invoiceId?: string },
  ): Promise<Applied> {
    // A test-mode event must never pay a live order (nor the reverse): the webhook secret alone
    // does not tell them apart when an operator reuses one endpoint for both modes.
    if (deps.stripe && event.livemode !== deps.stripe.livemode) {
      logger.warn({ eventId: event.id, livemode: event.livemode }, "stripe event from the other mode");
      return { result: "livemode_mismatch" };
    }
    if (!isHandledStripeEvent(event.type)) return { result: "ignored" };
    const handle = handlers[event.type] as (
      uow: UnitOfWork,
      event: Stripe.Event,
      context: { invoiceId?: string },
    ) => Promise<Applied>;
    return handle(uow, event, context);
  }

  /**
   * One handler per event type we act on: the keys are HANDLED_STRIPE_EVENTS exactly (the type
   * says so), and the README's list of events to enable is checked against that list.
   */
  const handlers: {
    [T in HandledStripeEvent]: (
      uow: UnitOfWork,
      event: Extract<Stripe.Event, { type: T }>,
      context: { invoiceId?: string },
    ) => Promise<Applied>;
  } = {
    "checkout.session.completed": (uow, event) => {
      const session = event.data.object;
      if (session.payment_status !== "paid") return Promise.resolve({ result: "awaiting_payment" });
      return session.mode === "subscription" ? subscribe(uow, event, session) : pay(uow, event, session);
    },
    "checkout.session.async_payment_succeeded": (uow, event) => {
      const session = event.data.object;
      return session.mode === "subscription" ? subscribe(uow, event, session) : pay(uow, event, session);
    },
    "checkout.session.expired": (uow, event) => expire(uow.tx, event.data.object),
    "charge.refunded": (uow, event, context) => refund(uow, event, event.data.object, context.invoiceId),
    "invoice.paid": (uow, event) => invoicePaid(uow, event, event.data.object),
    "invoice.payment_failed": (uow, event) => invoiceFailed(uow, event, event.data.object),
    "customer.subscription.updated": (uow, event) => subscriptionChanged(uow, event, event.data.object),
    "customer.subscription.deleted": (uow, event) => subscriptionChanged(uow, event, event.data.object),
  };

  interface Prepared {
    invoiceId?: string;
    cardFingerprint?: string;
  }

  /**
   * What an event needs from Stripe before its transaction (never call out while holding row
   * locks): the invoice a refunded charge paid, when no one-off order knows its payment intent;
   * the card a payment was made with.
   */
  async function prepare(stripe: StripeGateway, event: Stripe.Event): Promise<Prepared> {
    if (event.type === "charge.refunded")
      return { invoiceId: await refundedInvoice(stripe, event.data.object) };
    const payment = cardPaymentOf(event);
    return payment ? { cardFingerprint: await cardOf(stripe, event, payment) } : {};
  }

  /**
   * The card's fingerprint, for the affiliate program's shared-card check. Only a hint: when
   * Stripe does not answer, the payment settles all the same and no card is recorded.
   */
  async function cardOf(stripe: StripeGateway, event: Stripe.Event, payment: CardPayment) {
    const [seen] = await deps.db
      .select({ id: stripeEvents.id })
      .from(stripeEvents)
      .where(eq(stripeEvents.id, event.id));
    // Already applied, or from the other mode (refused when applied): no card to learn.
    if (seen || event.livemode !== stripe.livemode) return undefined;
    try {
      return await stripe.cardFingerprintOf(payment);
    } catch (err) {
      logger.warn({ err, eventId: event.id, payment }, "stripe card fingerprint not retrieved");
      return undefined;
    }
  }

  async function refundedInvoice(stripe: StripeGateway, charge: Stripe.Charge): Promise<string | undefined> {
    const paymentIntent = idOf(charge.payment_intent);
    if (!paymentIntent || charge.metadata?.orderId) return undefined;
    if (await orders.findByProviderReference(deps.db, "stripe", paymentIntent)) return undefined;
    return stripe.invoiceOfPaymentIntent(paymentIntent);
  }

  /**
   * The Stars price of a pending order: its GBP-equivalent total in stars (SPEC), fixed into the
   * order by its first invoice, so every later invoice (in the chat or from the Mini App) asks the
   * same amount and the pre-checkout accepts exactly that one.
   */
  async function fixStarsPrice(order: OrderRow): Promise<number> {
    const wanted = starsFor(toGbpMinor(order.totalMinor, order.fxRate), deps.stars.perGbp);
    const { starsAmount } = await orders.fixStarsAmount(order.id, wanted);
    return starsAmount!;
  }

  /**
   * The one place a Stars invoice link is made: a one-off order's (the Mini App's Stars checkout)
   * and, with `subscriptionPeriod`, a Star subscription's first payment. The payload is the order
   * id, so the payment reaches the order through the bot's pre-checkout and successful_payment.
   */
  async function starsInvoiceLink(order: OrderRow, opts: { subscriptionPeriod?: number } = {}) {
    const links = deps.stars.links;
    if (!links) throw PaymentErrors.providerUnavailable("Telegram Stars need the bot (TELEGRAM_BOT_TOKEN)");
    const status = effectiveStatus(order, clock.now());
    if (status !== "pending") throw OrderErrors.notPending(`The order is ${status}`);
    const amount = await fixStarsPrice(order);
    const [tier, buyer] = await Promise.all([
      deps.catalog.findTier(order.tierId),
      deps.users.findById(order.userId),
    ]);
    const words = deps.stars.words.for(buyer ?? { locale: null, languageCode: null });
    return links.create({
      title: words.title(tier?.name, order.months),
      description: words.description(order.id),
      payload: order.id,
      amount,
      subscriptionPeriod: opts.subscriptionPeriod,
    });
  }

  /**
   * Gives an order's money back through the provider that took it, then refunds the order through
   * the one refund path (`markOrderRefunded`: the period it paid for is revoked, the commission
   * reversed), the same one Stripe's charge.refunded takes, so that later event changes nothing.
   * The provider's call is made once per order (Stripe's idempotency key, Telegram refusing a
   * second refund of a charge), so two admins pressing at once refund once. A manual payment's
   * money goes back outside the service; its order is refunded here all the same.
   */
  async function refundOrder(actor: { id: string }, orderId: string) {
    const order = await orders.findById(orderId);
    if (!order) throw OrderErrors.notFound();
    if (order.status !== "paid") {
      if (order.status === "refunded") return { result: "already_refunded" as const, order };
      throw OrderErrors.notRefundable(`The order is ${effectiveStatus(order, clock.now())}`);
    }
    let reference = order.providerReference ?? order.id;
    if (order.provider === "stripe") {
      if (!order.providerReference) throw OrderErrors.notRefundable("Stripe has not reported this payment");
      const refund = await requireStripe().refundPayment(order.providerReference, order.id);
      if (refund.status === "failed" || refund.status === "canceled")
        throw PaymentErrors.providerFailed(`Stripe's refund ${refund.id} is ${refund.status}`);
      reference = refund.id;
    } else if (order.provider === "stars") {
      const refunds = deps.stars.refunds;
      if (!refunds)
        throw PaymentErrors.providerUnavailable("Telegram Stars need the bot (TELEGRAM_BOT_TOKEN)");
      const buyer = await deps.users.findById(order.userId);
      if (!buyer || !order.providerReference) throw OrderErrors.notRefundable("No Telegram charge to refund");
      await refunds.refund(buyer.telegramId, order.providerReference);
    }
    const outcome = await orders.markOrderRefunded({
      orderId: order.id,
      provider: order.provider ?? "manual",
      reference,
      actor,
    });
    if (outcome.result === "not_found") throw OrderErrors.notFound();
    if (outcome.result === "not_refundable") throw OrderErrors.notRefundable();
    return { result: outcome.result, order: outcome.order };
  }

  /**
   * A Star subscription's first invoice link: Telegram charges it again every 30 days until it is
   * cancelled, so only a one-month plan can be one (409 subscriptions.stars_monthly_only).
   */
  async function starsSubscriptionLink(order: OrderRow): Promise<string> {
    if (!starsCanRenew(order.months)) throw SubscriptionErrors.starsMonthlyOnly();
    return starsInvoiceLink(order, { subscriptionPeriod: STARS_SUBSCRIPTION_PERIOD_S });
  }

  return {
    /**
     * The Stripe events an operator has to look at (a payment for a subscription no order of
     * ours knows, …), newest first: Stripe took money we could not place.
     */
    async flaggedEvents(limit = 100) {
      return deps.db
        .select({
          eventId: stripeEvents.id,
          type: stripeEvents.type,
          result: stripeEvents.result,
          reason: stripeEvents.flaggedReason,
          orderId: stripeEvents.orderId,
          receivedAt: stripeEvents.receivedAt,
        })
        .from(stripeEvents)
        .where(isNotNull(stripeEvents.flaggedReason))
        .orderBy(desc(stripeEvents.receivedAt), desc(stripeEvents.id))
        .limit(limit);
    },

    fixStarsPrice,
    starsInvoiceLink,
    starsSubscriptionLink,
    refundOrder,

    /** POST /orders/{id}/checkout with Stars: the invoice link the Mini App opens with `openInvoice`. */
    async starsCheckout(userId: string, orderId: string): Promise<StarsCheckoutResult> {
      // Ownership first: someone else's order is 404 whether or not the bot is configured.
      const order = await orders.getOwn(userId, orderId);
      if (order.totalMinor === 0 && order.status !== "refunded") {
        await orders.settleFree(order);
        return { provider: "stars", url: returnUrl("success", order.id) };
      }
      const url =
        order.renewal === "auto" ? await starsSubscriptionLink(order) : await starsInvoiceLink(order);
      return { provider: "stars", url };
    },

    async checkout(userId: string, orderId: string): Promise<CheckoutResult> {
      // Ownership first: someone else's order is 404 whether or not Stripe is configured.
      const order = await orders.getOwn(userId, orderId);
      const now = clock.now();
      if (order.totalMinor === 0 && order.status !== "refunded") {
        // A coupon took the whole price: no provider involved, the order is paid here.
        await orders.settleFree(order);
        return { provider: "stripe", url: returnUrl("success", order.id), sessionId: `free_${order.id}` };
      }
      const stripe = requireStripe();
      const status = effectiveStatus(order, now);
      if (status !== "pending") throw OrderErrors.notPending(`The order is ${status}`);
      if (order.stripeSessionId && order.checkoutUrl) {
        return { provider: "stripe", url: order.checkoutUrl, sessionId: order.stripeSessionId };
      }
      if (order.expiresAt.getTime() - now.getTime() < MIN_CHECKOUT_WINDOW_MS)
        throw OrderErrors.expiresTooSoon();
      const tier = await deps.catalog.findTier(order.tierId);
      const session = await stripe.createCheckoutSession({
        orderId: order.id,
        userId,
        tierName: tier?.name ?? "Subscription",
        months: order.months,
        totalMinor: order.totalMinor,
        currency: order.currency,
        expiresAt: order.expiresAt,
        // Stripe fills in {CHECKOUT_SESSION_ID}: the success page shows the order to whoever holds both.
        successUrl: `${returnUrl("success", order.id)}&session_id={CHECKOUT_SESSION_ID}`,
        cancelUrl: returnUrl("cancel", order.id),
        renewal: order.renewal,
      });
      const attached = await orders.attachStripeSession(order.id, session);
      if (!attached) {
        // Cancelled while Stripe was answering: close the session so it cannot take money.
        await stripe.expireSession(session.id).catch(() => {});
        const current = await orders.getOwn(userId, orderId);
        throw OrderErrors.notPending(`The order is ${effectiveStatus(current, clock.now())}`);
      }
      return { provider: "stripe", url: session.url, sessionId: session.id };
    },

    /**
     * Applies one verified Stripe event exactly once. The event id is inserted first in the same
     * transaction as its effect: a concurrent redelivery blocks on that key until we commit and
     * then finds it taken; if we roll back, it applies the event instead.
     */
    async handleStripeWebhook(rawBody: Buffer, signature: string | undefined): Promise<string> {
      const stripe = requireStripe();
      const event = stripe.verifyEvent(rawBody, signature);
      const context = await prepare(stripe, event);
      const result = await withTransaction(deps, async (uow) => {
        const { tx } = uow;
        const [claimed] = await tx
          .insert(stripeEvents)
          .values({ id: event.id, type: event.type, result: "processing", receivedAt: clock.now() })
          .onConflictDoNothing()
          .returning({ id: stripeEvents.id });
        if (!claimed) return "duplicate";
        const outcome = await apply(uow, event, context);
        if (context.cardFingerprint) await recordCard(uow, outcome, context.cardFingerprint, clock.now());
        await tx
          .update(stripeEvents)
          .set({
            result: outcome.result,
            orderId: outcome.orderId ?? null,
            flaggedReason: outcome.flag ?? null,
          })
          .where(eq(stripeEvents.id, event.id));
        return outcome.result;
      });
      stripeEventsTotal.inc({ type: event.type, result });
      if (result === "order_not_found" || result === "unknown_subscription") {
        logger.warn(
          { eventId: event.id, type: event.type, result },
          "stripe event for an unknown order or subscription",
        );
      } else {
        logger.info({ eventId: event.id, type: event.type, result }, "stripe event handled");
      }
      return result;
    },
  };
}
