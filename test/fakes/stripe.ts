import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

export const TEST_STRIPE_SECRET_KEY = "sk_test_signaldesk_fake_0123456789";
export const TEST_STRIPE_WEBHOOK_SECRET = "whsec_signaldesk_test_0123456789abcdef";

export interface StripeCall {
  method: string;
  path: string;
  /** Form fields as Stripe's SDK encodes them: `line_items[0][price_data][currency]` → "gbp". */
  params: Record<string, string>;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
}

type Json = Record<string, unknown>;

/** Form fields of the body, and for a GET the query string (the SDK sends GET parameters there). */
async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const query = (req.url ?? "").split("?")[1] ?? "";
  return {
    ...Object.fromEntries(new URLSearchParams(query)),
    ...Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8"))),
  };
}

const DAY_S = 86_400;

/** `months` calendar months after `at` (seconds), as Stripe advances a monthly billing period. */
function addMonths(at: number, months: number): number {
  const d = new Date(at * 1000);
  d.setUTCMonth(d.getUTCMonth() + months);
  return Math.floor(d.getTime() / 1000);
}

const fakeId = (prefix: string) => `${prefix}_test_${randomBytes(12).toString("hex")}`;

/**
 * A Stripe API on 127.0.0.1 for the calls the service makes: Checkout Sessions (create, expire;
 * `payment` and `subscription` mode), subscriptions (update `cancel_at_period_end`), billing
 * portal sessions, invoice payments (list by payment intent or invoice) and payment intents
 * (retrieve, `latest_charge` expandable, its card's fingerprint set by `payWithCard`). It records every call, honours
 * Idempotency-Key like Stripe (same key → same response), and builds the webhook events Stripe
 * would send, shaped as the API version the SDK pins documents them (invoices name their
 * subscription under `parent.subscription_details`, and their payment intents only through
 * invoice payments).
 */
export class FakeStripe {
  readonly calls: StripeCall[] = [];
  readonly sessions = new Map<string, Json>();
  readonly subscriptions = new Map<string, Json>();
  readonly invoices = new Map<string, Json>();
  readonly invoicePayments: Json[] = [];
  readonly paymentIntents = new Map<string, Json>();
  readonly charges = new Map<string, Json>();
  readonly portalSessions: Json[] = [];
  /** Refunds made with POST /v1/refunds. */
  readonly refunds: Json[] = [];
  /** The card fingerprint payments are made with; each payment uses a card of its own when unset. */
  private card: string | undefined;
  private readonly replays = new Map<string, { status: number; body: Json }>();
  private readonly pendingSubscriptions = new Map<
    string,
    {
      interval: string;
      intervalCount: number;
      productName: string | undefined;
      metadata: Record<string, string>;
    }
  >();
  private failures: { status: number; body: Json }[] = [];
  private server: Server | undefined;

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The environment that points the service at this fake. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      STRIPE_SECRET_KEY: TEST_STRIPE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: TEST_STRIPE_WEBHOOK_SECRET,
      STRIPE_API_BASE: this.url,
      ...extra,
    };
  }

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const params = await readForm(req);
      const path = (req.url ?? "").split("?")[0]!;
      const idempotencyKey = req.headers["idempotency-key"] as string | undefined;
      this.calls.push({
        method: req.method ?? "",
        path,
        params,
        idempotencyKey,
        authorization: req.headers.authorization,
      });
      const replayKey = idempotencyKey && `${req.method} ${path} ${idempotencyKey}`;
      const reply = (replayKey && this.replays.get(replayKey)) || this.answer(req.method ?? "", path, params);
      if (replayKey && reply.status < 500) this.replays.set(replayKey, reply);
      res.writeHead(reply.status, { "content-type": "application/json", "request-id": fakeId("req") });
      res.end(JSON.stringify(reply.body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  reset(): void {
    this.calls.length = 0;
    this.sessions.clear();
    this.subscriptions.clear();
    this.invoices.clear();
    this.invoicePayments.length = 0;
    this.paymentIntents.clear();
    this.charges.clear();
    this.card = undefined;
    this.portalSessions.length = 0;
    this.refunds.length = 0;
    this.pendingSubscriptions.clear();
    this.replays.clear();
    this.failures = [];
  }

  /** The next API call answers this error (Stripe's error envelope). */
  failNext(status: number, type = "api_error"): void {
    this.failures.push({ status, body: { error: { type, message: "fake failure" } } });
  }

  /** The buyer's card for the payments that follow (its fingerprint, as Stripe reports it on the charge). */
  payWithCard(fingerprint: string): void {
    this.card = fingerprint;
  }

  callsTo(path: string): StripeCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  private answer(
    method: string,
    path: string,
    params: Record<string, string>,
  ): { status: number; body: Json } {
    const failure = this.failures.shift();
    if (failure) return failure;
    if (method === "POST" && path === "/v1/checkout/sessions") return this.createSession(params);
    const expire = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path);
    if (method === "POST" && expire) {
      const session = this.sessions.get(expire[1]!);
      if (!session) return { status: 404, body: { error: { type: "invalid_request_error" } } };
      session.status = "expired";
      return { status: 200, body: session };
    }
    const subscription = /^\/v1\/subscriptions\/([^/]+)$/.exec(path);
    if (subscription) {
      const sub = this.subscriptions.get(subscription[1]!);
      if (!sub) return notFound(`No such subscription: '${subscription[1]}'`);
      if (method === "POST" && params.cancel_at_period_end !== undefined) {
        if (sub.status === "canceled") {
          return {
            status: 400,
            body: {
              error: {
                type: "invalid_request_error",
                message: "A canceled subscription can only update its cancellation_details and metadata.",
              },
            },
          };
        }
        sub.cancel_at_period_end = params.cancel_at_period_end === "true";
        sub.canceled_at = sub.cancel_at_period_end ? Math.floor(Date.now() / 1000) : null;
        sub.cancel_at = sub.cancel_at_period_end ? this.itemOf(sub).current_period_end : null;
      }
      return { status: 200, body: sub };
    }
    if (method === "POST" && path === "/v1/billing_portal/sessions") {
      if (!params.customer)
        return { status: 400, body: { error: { type: "invalid_request_error", param: "customer" } } };
      const id = fakeId("bps");
      const portal: Json = {
        id,
        object: "billing_portal.session",
        configuration: "bpc_test_default",
        created: Math.floor(Date.now() / 1000),
        customer: params.customer,
        flow: null,
        livemode: false,
        locale: null,
        on_behalf_of: null,
        return_url: params.return_url ?? null,
        url: `https://billing.stripe.test/p/session/${id}`,
      };
      this.portalSessions.push(portal);
      return { status: 200, body: portal };
    }
    const intent = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (method === "GET" && intent) {
      const found = this.paymentIntents.get(intent[1]!);
      if (!found) return notFound(`No such payment_intent: '${intent[1]}'`);
      const expand = Object.entries(params)
        .filter(([k]) => k.startsWith("expand["))
        .map(([, v]) => v);
      const charge = expand.includes("latest_charge")
        ? this.charges.get(found.latest_charge as string)
        : undefined;
      return { status: 200, body: charge ? { ...found, latest_charge: charge } : found };
    }
    if (method === "GET" && path === "/v1/invoice_payments") {
      const data = this.invoicePayments.filter((ip) => {
        const payment = ip.payment as Json;
        if (params.invoice && ip.invoice !== params.invoice) return false;
        if (params.status && ip.status !== params.status) return false;
        if (params["payment[payment_intent]"] && payment.payment_intent !== params["payment[payment_intent]"])
          return false;
        return true;
      });
      return { status: 200, body: { object: "list", data, has_more: false, url: "/v1/invoice_payments" } };
    }
    if (method === "POST" && path === "/v1/refunds") return this.refund(params);
    return notFound(`no route ${path}`);
  }

  /**
   * POST /v1/refunds with a payment intent: the whole amount back, `succeeded` at once (card
   * refunds are). A payment intent Stripe does not know → 404; one already refunded → 400
   * `charge_already_refunded`, as Stripe answers.
   */
  private refund(params: Record<string, string>): { status: number; body: Json } {
    const pi = params.payment_intent;
    const session = [...this.sessions.values()].find((s) => `pi_for_${s.id}` === pi);
    const invoicePayment = this.invoicePayments.find((ip) => (ip.payment as Json).payment_intent === pi);
    const amount = (session?.amount_total ?? invoicePayment?.amount_paid) as number | undefined;
    if (!pi || amount === undefined) return notFound(`No such payment_intent: '${pi}'`);
    if (this.refunds.some((r) => r.payment_intent === pi)) {
      return {
        status: 400,
        body: {
          error: {
            type: "invalid_request_error",
            code: "charge_already_refunded",
            message: "Charge has already been refunded.",
          },
        },
      };
    }
    const refund: Json = {
      id: fakeId("re"),
      object: "refund",
      amount,
      charge: fakeId("ch"),
      created: Math.floor(Date.now() / 1000),
      currency: session?.currency ?? invoicePayment?.currency,
      metadata: Object.fromEntries(
        Object.entries(params)
          .filter(([k]) => k.startsWith("metadata["))
          .map(([k, v]) => [k.slice("metadata[".length, -1), v]),
      ),
      payment_intent: pi,
      reason: null,
      status: "succeeded",
    };
    this.refunds.push(refund);
    return { status: 200, body: refund };
  }

  private itemOf(sub: Json): Json {
    return ((sub.items as Json).data as Json[])[0]!;
  }

  private createSession(p: Record<string, string>): { status: number; body: Json } {
    const id = fakeId("cs");
    const price = "line_items[0][price_data]";
    const subscriptionMode = p.mode === "subscription";
    if (
      subscriptionMode &&
      (!p[`${price}[recurring][interval]`] || p["payment_intent_data[metadata][orderId]"])
    ) {
      // Stripe refuses a one-off price and payment_intent_data in subscription mode.
      return {
        status: 400,
        body: {
          error: { type: "invalid_request_error", message: "subscription mode needs a recurring price" },
        },
      };
    }
    const session: Json = {
      id,
      object: "checkout.session",
      mode: p.mode,
      status: "open",
      payment_status: "unpaid",
      url: `https://checkout.stripe.test/c/pay/${id}`,
      client_reference_id: p.client_reference_id ?? null,
      customer: null,
      metadata: { orderId: p["metadata[orderId]"], userId: p["metadata[userId]"] },
      amount_total: Number(p[`${price}[unit_amount]`]),
      currency: p[`${price}[currency]`],
      expires_at: Number(p.expires_at),
      success_url: p.success_url,
      cancel_url: p.cancel_url,
      payment_intent: null,
      subscription: null,
      invoice: null,
    };
    if (subscriptionMode) {
      // Kept aside (not on the session object) to build the subscription when it is paid.
      this.pendingSubscriptions.set(id, {
        interval: p[`${price}[recurring][interval]`]!,
        intervalCount: Number(p[`${price}[recurring][interval_count]`] ?? 1),
        productName: p[`${price}[product_data][name]`],
        metadata: Object.fromEntries(
          Object.entries(p)
            .filter(([k]) => k.startsWith("subscription_data[metadata]["))
            .map(([k, v]) => [k.slice("subscription_data[metadata][".length, -1), v]),
        ),
      });
    }
    this.sessions.set(id, session);
    return { status: 200, body: session };
  }

  /** The event Stripe sends when the buyer pays a session (override fields to test mismatches). */
  sessionEvent(
    type:
      | "checkout.session.completed"
      | "checkout.session.async_payment_succeeded"
      | "checkout.session.expired",
    sessionId: string,
    overrides: Json = {},
    created = Math.floor(Date.now() / 1000),
  ): Json {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`FakeStripe: no session ${sessionId}`);
    const paid = type !== "checkout.session.expired";
    if (paid && session.mode === "subscription") {
      // The buyer paid: Stripe creates the customer, the subscription and its first invoice.
      if (!session.subscription) this.startSubscription(session, created);
      const object = { ...session, status: "complete", payment_status: "paid", ...overrides };
      return stripeEvent(type, object, created);
    }
    const paymentIntent = `pi_for_${sessionId}`;
    if (paid && !this.paymentIntents.has(paymentIntent)) {
      this.charge(paymentIntent, session.amount_total as number, session.currency as string, created, {
        orderId: (session.metadata as Json).orderId as string,
      });
    }
    const object = {
      ...session,
      status: paid ? "complete" : "expired",
      payment_status: paid ? "paid" : "unpaid",
      payment_intent: paid ? paymentIntent : null,
      ...overrides,
    };
    return stripeEvent(type, object, created);
  }

  private startSubscription(session: Json, created: number): void {
    const plan = this.pendingSubscriptions.get(session.id as string)!;
    const customer = fakeId("cus");
    const subId = fakeId("sub");
    const end = plan.interval === "month" ? addMonths(created, plan.intervalCount) : created + 30 * DAY_S;
    const sub: Json = {
      id: subId,
      object: "subscription",
      billing_cycle_anchor: created,
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      collection_method: "charge_automatically",
      created,
      currency: session.currency,
      customer,
      ended_at: null,
      items: {
        object: "list",
        data: [
          {
            id: fakeId("si"),
            object: "subscription_item",
            created,
            current_period_start: created,
            current_period_end: end,
            metadata: {},
            price: {
              id: fakeId("price"),
              object: "price",
              currency: session.currency,
              product: fakeId("prod"),
              recurring: {
                interval: plan.interval,
                interval_count: plan.intervalCount,
                usage_type: "licensed",
              },
              type: "recurring",
              unit_amount: session.amount_total,
            },
            quantity: 1,
            subscription: subId,
          },
        ],
        has_more: false,
        url: `/v1/subscription_items?subscription=${subId}`,
      },
      latest_invoice: null,
      livemode: false,
      metadata: plan.metadata,
      start_date: created,
      status: "active",
    };
    this.subscriptions.set(subId, sub);
    const invoice = this.newInvoice(sub, "subscription_create", created);
    this.pay(invoice, created);
    Object.assign(session, { customer, subscription: subId, invoice: invoice.id });
  }

  private newInvoice(sub: Json, billingReason: string, created: number): Json {
    const item = this.itemOf(sub);
    const price = item.price as Json;
    const id = fakeId("in");
    const amount = price.unit_amount as number;
    const invoice: Json = {
      id,
      object: "invoice",
      amount_due: amount,
      amount_paid: 0,
      amount_remaining: amount,
      attempt_count: 0,
      attempted: false,
      billing_reason: billingReason,
      collection_method: "charge_automatically",
      created,
      currency: sub.currency,
      customer: sub.customer,
      lines: {
        object: "list",
        data: [
          {
            id: fakeId("il"),
            object: "line_item",
            amount,
            currency: sub.currency,
            parent: {
              type: "subscription_item_details",
              invoice_item_details: null,
              subscription_item_details: {
                invoice_item: null,
                proration: false,
                proration_details: { credited_items: null },
                subscription: sub.id,
                subscription_item: item.id,
              },
            },
            period: { start: item.current_period_start, end: item.current_period_end },
            pricing: { type: "price_details", price_details: { price: price.id, product: price.product } },
            quantity: 1,
          },
        ],
        has_more: false,
        url: `/v1/invoices/${id}/lines`,
      },
      livemode: false,
      metadata: {},
      parent: {
        type: "subscription_details",
        quote_details: null,
        subscription_details: { metadata: { ...(sub.metadata as Json) }, subscription: sub.id },
      },
      period_start: item.current_period_start,
      period_end: item.current_period_end,
      status: "open",
      status_transitions: { finalized_at: created, paid_at: null },
      subtotal: amount,
      total: amount,
    };
    this.invoices.set(id, invoice);
    sub.latest_invoice = id;
    return invoice;
  }

  /**
   * A succeeded payment intent and its charge, shaped as the API reference documents them: the
   * card's details (fingerprint included) under the charge's `payment_method_details.card`.
   */
  private charge(paymentIntent: string, amount: number, currency: string, at: number, metadata = {}): void {
    const chargeId = fakeId("ch");
    const paymentMethod = fakeId("pm");
    this.charges.set(chargeId, {
      id: chargeId,
      object: "charge",
      amount,
      amount_captured: amount,
      amount_refunded: 0,
      captured: true,
      created: at,
      currency,
      livemode: false,
      metadata,
      paid: true,
      payment_intent: paymentIntent,
      payment_method: paymentMethod,
      payment_method_details: {
        type: "card",
        card: {
          brand: "visa",
          checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
          country: "GB",
          exp_month: 12,
          exp_year: 2034,
          fingerprint: this.card ?? randomBytes(8).toString("base64url"),
          funding: "credit",
          last4: "4242",
          network: "visa",
        },
      },
      refunded: false,
      status: "succeeded",
    });
    this.paymentIntents.set(paymentIntent, {
      id: paymentIntent,
      object: "payment_intent",
      amount,
      amount_received: amount,
      created: at,
      currency,
      latest_charge: chargeId,
      livemode: false,
      metadata,
      payment_method: paymentMethod,
      payment_method_types: ["card"],
      status: "succeeded",
    });
  }

  private pay(invoice: Json, at: number): void {
    const paymentIntent = fakeId("pi");
    this.charge(paymentIntent, invoice.amount_due as number, invoice.currency as string, at);
    invoice.attempt_count = (invoice.attempt_count as number) + 1;
    invoice.attempted = true;
    invoice.amount_paid = invoice.amount_due;
    invoice.amount_remaining = 0;
    invoice.status = "paid";
    invoice.status_transitions = { ...(invoice.status_transitions as Json), paid_at: at };
    this.invoicePayments.push({
      id: fakeId("inpay"),
      object: "invoice_payment",
      amount_paid: invoice.amount_due,
      amount_requested: invoice.amount_due,
      created: at,
      currency: invoice.currency,
      invoice: invoice.id,
      is_default: true,
      livemode: false,
      payment: { type: "payment_intent", payment_intent: paymentIntent },
      status: "paid",
      status_transitions: { canceled_at: null, paid_at: at },
    });
  }

  /** The subscription a paid subscription-mode session started. */
  subscriptionOf(sessionId: string): Json {
    const subId = this.sessions.get(sessionId)?.subscription;
    if (typeof subId !== "string")
      throw new Error(`FakeStripe: session ${sessionId} has no subscription yet`);
    return this.subscriptions.get(subId)!;
  }

  /**
   * The next billing period: Stripe advances the subscription and finalizes a
   * `subscription_cycle` invoice, which it then tries to charge.
   */
  renewalInvoice(subscriptionId: string, created: number): Json {
    const sub = this.subscriptions.get(subscriptionId);
    if (!sub) throw new Error(`FakeStripe: no subscription ${subscriptionId}`);
    const item = this.itemOf(sub);
    const count = ((item.price as Json).recurring as Json).interval_count as number;
    item.current_period_start = item.current_period_end;
    item.current_period_end = addMonths(item.current_period_end as number, count);
    return this.newInvoice(sub, "subscription_cycle", created);
  }

  /**
   * `invoice.paid` (the charge succeeded) or `invoice.payment_failed` (it did not) for an
   * invoice, as Stripe sends them; a failed invoice can be paid by a later retry.
   */
  invoiceEvent(
    type: "invoice.paid" | "invoice.payment_failed",
    invoiceId: string,
    created = Math.floor(Date.now() / 1000),
    overrides: Json = {},
  ): Json {
    const invoice = this.invoices.get(invoiceId);
    if (!invoice) throw new Error(`FakeStripe: no invoice ${invoiceId}`);
    if (type === "invoice.paid" && invoice.status !== "paid") this.pay(invoice, created);
    if (type === "invoice.payment_failed") {
      invoice.attempt_count = (invoice.attempt_count as number) + 1;
      invoice.attempted = true;
      const sub = this.subscriptions.get(
        ((invoice.parent as Json).subscription_details as Json).subscription as string,
      );
      if (sub && invoice.billing_reason !== "subscription_create") sub.status = "past_due";
    }
    if (type === "invoice.paid") {
      const sub = this.subscriptions.get(
        ((invoice.parent as Json).subscription_details as Json).subscription as string,
      );
      if (sub?.status === "past_due") sub.status = "active";
    }
    return stripeEvent(type, structuredClone({ ...invoice, ...overrides }), created);
  }

  /** `customer.subscription.updated` or `.deleted` with the subscription as Stripe holds it now. */
  subscriptionEvent(
    type: "customer.subscription.updated" | "customer.subscription.deleted",
    subscriptionId: string,
    created = Math.floor(Date.now() / 1000),
  ): Json {
    const sub = this.subscriptions.get(subscriptionId);
    if (!sub) throw new Error(`FakeStripe: no subscription ${subscriptionId}`);
    if (type === "customer.subscription.deleted") {
      Object.assign(sub, { status: "canceled", ended_at: created, canceled_at: sub.canceled_at ?? created });
    }
    return stripeEvent(type, structuredClone(sub), created);
  }

  /** `charge.refunded` for the charge that paid an invoice (no order metadata on it, as with Stripe Billing). */
  refundInvoiceEvent(invoiceId: string, created = Math.floor(Date.now() / 1000)): Json {
    const invoice = this.invoices.get(invoiceId);
    const payment = this.invoicePayments.find((ip) => ip.invoice === invoiceId);
    if (!invoice || !payment) throw new Error(`FakeStripe: invoice ${invoiceId} was not paid`);
    const amount = invoice.amount_paid as number;
    return stripeEvent(
      "charge.refunded",
      {
        id: fakeId("ch"),
        object: "charge",
        amount,
        amount_refunded: amount,
        currency: invoice.currency,
        refunded: true,
        payment_intent: (payment.payment as Json).payment_intent,
        metadata: {},
      },
      created,
    );
  }

  /** `charge.refunded` for the payment of a session, fully refunded unless told otherwise. */
  refundEvent(sessionId: string, opts: { amountRefunded?: number; created?: number } = {}): Json {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`FakeStripe: no session ${sessionId}`);
    const amount = session.amount_total as number;
    const refunded = opts.amountRefunded ?? amount;
    return stripeEvent(
      "charge.refunded",
      {
        id: fakeId("ch"),
        object: "charge",
        amount,
        amount_refunded: refunded,
        currency: session.currency,
        refunded: refunded === amount,
        payment_intent: `pi_for_${sessionId}`,
        metadata: { orderId: (session.metadata as Json).orderId },
      },
      opts.created ?? Math.floor(Date.now() / 1000),
    );
  }
}

function notFound(message: string): { status: number; body: Json } {
  return {
    status: 404,
    body: { error: { type: "invalid_request_error", code: "resource_missing", message } },
  };
}

export function stripeEvent(type: string, object: Json, created = Math.floor(Date.now() / 1000)): Json {
  return {
    id: fakeId("evt"),
    object: "event",
    api_version: Stripe.API_VERSION,
    created,
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  };
}

/** A body and Stripe-Signature header exactly as Stripe would send them. */
export function signedWebhook(
  event: Json,
  opts: { secret?: string; timestamp?: number } = {},
): { payload: string; headers: Record<string, string> } {
  const payload = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: opts.secret ?? TEST_STRIPE_WEBHOOK_SECRET,
    timestamp: opts.timestamp ?? Math.floor(Date.now() / 1000),
  });
  return { payload, headers: { "content-type": "application/json", "stripe-signature": signature } };
}
