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

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
}

const fakeId = (prefix: string) => `${prefix}_test_${randomBytes(12).toString("hex")}`;

/**
 * A Stripe API on 127.0.0.1 for the two calls the service makes (create and expire a Checkout
 * Session). It records every call, honours Idempotency-Key like Stripe (same key → same
 * response), and builds the webhook events Stripe would send about its sessions.
 */
export class FakeStripe {
  readonly calls: StripeCall[] = [];
  readonly sessions = new Map<string, Json>();
  private readonly replays = new Map<string, { status: number; body: Json }>();
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
    this.replays.clear();
    this.failures = [];
  }

  /** The next API call answers this error (Stripe's error envelope). */
  failNext(status: number, type = "api_error"): void {
    this.failures.push({ status, body: { error: { type, message: "fake failure" } } });
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
    return { status: 404, body: { error: { type: "invalid_request_error", message: `no route ${path}` } } };
  }

  private createSession(p: Record<string, string>): { status: number; body: Json } {
    const id = fakeId("cs");
    const session: Json = {
      id,
      object: "checkout.session",
      mode: p.mode,
      status: "open",
      payment_status: "unpaid",
      url: `https://checkout.stripe.test/c/pay/${id}`,
      client_reference_id: p.client_reference_id ?? null,
      metadata: { orderId: p["metadata[orderId]"], userId: p["metadata[userId]"] },
      amount_total: Number(p["line_items[0][price_data][unit_amount]"]),
      currency: p["line_items[0][price_data][currency]"],
      expires_at: Number(p.expires_at),
      success_url: p.success_url,
      cancel_url: p.cancel_url,
      payment_intent: null,
    };
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
    const object = {
      ...session,
      status: paid ? "complete" : "expired",
      payment_status: paid ? "paid" : "unpaid",
      payment_intent: paid ? `pi_for_${sessionId}` : null,
      ...overrides,
    };
    return stripeEvent(type, object, created);
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
