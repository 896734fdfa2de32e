import type Stripe from "stripe";
import type { Config } from "../../config";
import type { Clock } from "../../shared/clock";
import { PaymentErrors } from "./payments.errors";

/** Stripe's documented default, also the SDK's: a signed payload older than this is refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export interface CheckoutRequest {
  orderId: string;
  userId: string;
  tierName: string;
  months: number;
  totalMinor: number;
  currency: string;
  expiresAt: Date;
  successUrl: string;
  cancelUrl: string;
  /** `auto`: a subscription-mode session with a recurring price of the total every `months`. */
  renewal: "none" | "auto";
}

export interface StripeGateway {
  /** True for a live key (sk_live_/rk_live_): events must carry the same `livemode`. */
  livemode: boolean;
  createCheckoutSession(request: CheckoutRequest): Promise<{ id: string; url: string }>;
  expireSession(sessionId: string): Promise<void>;
  /** Cancel at period end (true) or resume (false) a Stripe subscription. */
  setCancelAtPeriodEnd(subscriptionId: string, cancel: boolean): Promise<void>;
  createPortalSession(customerId: string, returnUrl: string): Promise<{ url: string }>;
  /**
   * The invoice a payment intent paid, if any. In the API version the SDK pins an invoice no
   * longer names its payment intent (nor a charge its invoice); invoice payments link the two.
   */
  invoiceOfPaymentIntent(paymentIntentId: string): Promise<string | undefined>;
  /**
   * Gives back the whole payment an order's reference names (a payment intent, or the invoice a
   * subscription period was paid by), once per order: a repeat answers the same refund.
   */
  refundPayment(reference: string, orderId: string): Promise<{ id: string; status: string | null }>;
  /**
   * Stripe's fingerprint of the card that made a payment (a one-off order's payment intent, or a
   * subscription invoice's), from the payment intent's latest charge; undefined when it was not
   * a card. Answers quickly or fails: it runs while a webhook waits.
   */
  cardFingerprintOf(payment: { paymentIntent: string } | { invoice: string }): Promise<string | undefined>;
  /** The event, if the signature over these exact bytes is valid and recent; else a 400. */
  verifyEvent(rawBody: Buffer, signature: string | undefined): Stripe.Event;
}

const idOf = (ref: string | { id: string } | null | undefined): string | undefined =>
  typeof ref === "string" ? ref : (ref?.id ?? undefined);

/** Stripe's key prefixes name the mode: `sk_live_`/`rk_live_` live, `sk_test_`/`rk_test_` test. */
export const isLiveKey = (secretKey: string): boolean => /^(sk|rk)_live_/.test(secretKey);

/** STRIPE_API_BASE ("http://127.0.0.1:12111") split the way the SDK takes it. */
export function apiAddress(
  apiBase: string | undefined,
): Pick<Stripe.StripeConfig, "host" | "port" | "protocol"> {
  if (!apiBase) return {};
  const url = new URL(apiBase);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return { host: url.hostname, port: Number(url.port || (protocol === "http" ? 80 : 443)), protocol };
}

/**
 * Undefined when Stripe is not configured: checkout answers 503 and the service still runs. The
 * SDK, the largest import of a start, is loaded only when it is configured.
 */
export async function createStripeGateway(
  config: Config["stripe"],
  clock: Clock,
): Promise<StripeGateway | undefined> {
  const { secretKey, webhookSecret } = config;
  if (!secretKey || !webhookSecret) return undefined;
  const { default: Stripe } = await import("stripe");
  const stripe = new Stripe(secretKey, {
    ...apiAddress(config.apiBase),
    maxNetworkRetries: 2,
    timeout: 15_000,
    telemetry: false,
  });

  async function call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof Stripe.errors.StripeError) {
        const failure = PaymentErrors.providerFailed(`Stripe answered: ${err.type}`);
        failure.cause = err;
        throw failure;
      }
      throw err;
    }
  }

  return {
    livemode: isLiveKey(secretKey),
    async createCheckoutSession(r) {
      const name = `${r.tierName}, ${r.months} month${r.months === 1 ? "" : "s"}`;
      const metadata = { orderId: r.orderId, userId: r.userId };
      const price = { currency: r.currency.toLowerCase(), unit_amount: r.totalMinor };
      // A subscription: one inline recurring price for the order's total, every `months` months;
      // its metadata reaches every invoice (parent.subscription_details.metadata).
      const mode: Stripe.Checkout.SessionCreateParams =
        r.renewal === "auto"
          ? {
              mode: "subscription",
              subscription_data: { metadata },
              line_items: [
                {
                  quantity: 1,
                  price_data: {
                    ...price,
                    product_data: { name },
                    recurring: { interval: "month", interval_count: r.months },
                  },
                },
              ],
            }
          : {
              mode: "payment",
              payment_intent_data: { metadata: { orderId: r.orderId } },
              line_items: [{ quantity: 1, price_data: { ...price, product_data: { name } } }],
            };
      const session = await call(() =>
        stripe.checkout.sessions.create(
          {
            ...mode,
            client_reference_id: r.orderId,
            metadata,
            // The session dies with the order, so Stripe never takes money for an expired order.
            expires_at: Math.floor(r.expiresAt.getTime() / 1000),
            success_url: r.successUrl,
            cancel_url: r.cancelUrl,
          },
          // One session per order: a retried or concurrent checkout gets the same one back.
          { idempotencyKey: `checkout:${r.orderId}` },
        ),
      );
      if (!session.url) throw PaymentErrors.providerFailed("Stripe returned a session without a URL");
      return { id: session.id, url: session.url };
    },

    async expireSession(sessionId) {
      await call(() => stripe.checkout.sessions.expire(sessionId));
    },

    async setCancelAtPeriodEnd(subscriptionId, cancel) {
      await call(() => stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: cancel }));
    },

    async createPortalSession(customerId, returnUrl) {
      const portal = await call(() =>
        stripe.billingPortal.sessions.create({ customer: customerId, return_url: returnUrl }),
      );
      return { url: portal.url };
    },

    async invoiceOfPaymentIntent(paymentIntentId) {
      const found = await call(() =>
        stripe.invoicePayments.list({
          payment: { type: "payment_intent", payment_intent: paymentIntentId },
          limit: 1,
        }),
      );
      const invoice = found.data[0]?.invoice;
      return typeof invoice === "string" ? invoice : invoice?.id;
    },

    async refundPayment(reference, orderId) {
      let paymentIntent = reference;
      if (reference.startsWith("in_")) {
        const found = await call(() => stripe.invoicePayments.list({ invoice: reference, limit: 1 }));
        const payment = found.data[0]?.payment;
        const id =
          typeof payment?.payment_intent === "string" ? payment.payment_intent : payment?.payment_intent?.id;
        if (!id) throw PaymentErrors.providerFailed(`Stripe knows no payment for invoice ${reference}`);
        paymentIntent = id;
      }
      const refund = await call(() =>
        stripe.refunds.create(
          { payment_intent: paymentIntent, metadata: { orderId } },
          { idempotencyKey: `refund:${orderId}` },
        ),
      );
      return { id: refund.id, status: refund.status };
    },

    async cardFingerprintOf(payment) {
      // A webhook is waiting: one short attempt, no retries (the payment settles without it).
      const quick = { timeout: 5_000, maxNetworkRetries: 0 };
      let paymentIntent = "paymentIntent" in payment ? payment.paymentIntent : undefined;
      if ("invoice" in payment) {
        const payments = await call(() =>
          stripe.invoicePayments.list({ invoice: payment.invoice, status: "paid", limit: 1 }, quick),
        );
        paymentIntent = idOf(payments.data[0]?.payment.payment_intent);
      }
      if (!paymentIntent) return undefined;
      const intent = await call(() =>
        stripe.paymentIntents.retrieve(paymentIntent, { expand: ["latest_charge"] }, quick),
      );
      const charge = intent.latest_charge;
      return (typeof charge === "object" && charge?.payment_method_details?.card?.fingerprint) || undefined;
    },

    verifyEvent(rawBody, signature) {
      if (!signature) throw PaymentErrors.invalidSignature("Stripe-Signature header is missing");
      try {
        return Stripe.webhooks.constructEvent(
          rawBody,
          signature,
          webhookSecret,
          WEBHOOK_TOLERANCE_SECONDS,
          undefined,
          clock.now().getTime(),
        );
      } catch {
        throw PaymentErrors.invalidSignature();
      }
    },
  };
}
