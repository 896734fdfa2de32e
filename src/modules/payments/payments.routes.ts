import type { FastifyPluginAsync } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Clock } from "../../shared/clock";
import { IdempotencyHeaders, replyIdempotently } from "../../shared/http/idempotency.http";
import type { IdempotencyService } from "../../shared/idempotency/idempotency.service";
import { currentUser, type Guards } from "../auth/auth.guards";
import { AdminOrderSchema, OrderIdParams } from "../orders/orders.schemas";
import { adminOrderView } from "../orders/orders.views";
import type { PaymentsService } from "./payments.service";

const CheckoutBody = z.object({ provider: z.enum(["stripe", "stars"]) });
const CheckoutSchema = z.union([
  z.object({ provider: z.literal("stripe"), url: z.string(), sessionId: z.string() }),
  z
    .object({ provider: z.literal("stars"), url: z.string() })
    .describe("A Telegram Stars invoice link: open it with WebApp.openInvoice"),
]);

/** Stripe's events can outgrow the API's 64 KiB default (many line items, long metadata). */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export function checkoutRoutes(deps: {
  payments: PaymentsService;
  guards: Guards;
  idempotency: IdempotencyService;
}): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      "/api/v1/orders/:id/checkout",
      {
        onRequest: deps.guards.requireUser,
        config: { problems: [409, 502] },
        schema: {
          summary: "Pay an order by card or with Telegram Stars",
          description:
            'provider "stripe": opens a Stripe Checkout Session for a pending order and answers its URL. provider "stars": answers a Telegram Stars invoice link (Bot API createInvoiceLink, XTR, the order\'s locked price in stars) for the Mini App to open with WebApp.openInvoice; the payment reaches the order through the bot. An auto-renewing order of one month gets a Telegram Star subscription link (subscription_period 30 days, renewed by Telegram until cancelled); of more months, 409 subscriptions.stars_monthly_only. 409 orders.not_pending; 503 payments.provider_unavailable when Stripe (or, for Stars, the bot token) is not configured; 502 payments.provider_failed when the provider does not answer.',
          tags: ["orders"],
          headers: IdempotencyHeaders,
          params: OrderIdParams,
          body: CheckoutBody,
          response: { 200: CheckoutSchema },
        },
      },
      async (req, reply) => {
        const userId = currentUser(req).id;
        return replyIdempotently(
          deps.idempotency,
          req,
          reply,
          { userId, scope: "orders.checkout", request: { orderId: req.params.id, body: req.body } },
          async () => ({
            status: 200,
            body:
              req.body.provider === "stars"
                ? await deps.payments.starsCheckout(userId, req.params.id)
                : await deps.payments.checkout(userId, req.params.id),
          }),
        );
      },
    );
  };
}

/**
 * Stripe's webhook. The signature covers the exact bytes sent, so this plugin's own parser keeps
 * the body as a Buffer (JSON parsing and re-serialising would change them).
 */
export function stripeWebhookRoutes(deps: { payments: PaymentsService }): FastifyPluginAsync {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );
    app.post(
      "/api/v1/webhooks/stripe",
      {
        // Stripe's retries come from a few addresses in bursts; the signature is the gate here.
        bodyLimit: WEBHOOK_BODY_LIMIT,
        config: { rateLimit: false, problems: [400, 413, 415] },
        schema: {
          tags: ["payments"],
          summary: "Stripe webhook (signed raw body)",
          description:
            "Stripe's events, verified with STRIPE_WEBHOOK_SECRET and a 300 s tolerance (400 when the signature does not verify). Each event id is handled once; duplicates and event types not handled answer 200. `result` says what the event did.",
          response: { 200: z.object({ received: z.literal(true), result: z.string() }) },
        },
      },
      async (req) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const signature = req.headers["stripe-signature"];
        const result = await deps.payments.handleStripeWebhook(
          raw,
          typeof signature === "string" ? signature : undefined,
        );
        return { received: true, result };
      },
    );
  };
}

const FlaggedEventSchema = z
  .object({
    eventId: z.string(),
    type: z.string(),
    result: z.string(),
    reason: z.string(),
    orderId: z.string().nullable(),
    receivedAt: z.string(),
  })
  .meta({ id: "FlaggedStripeEvent" });

/** Admin: Stripe events that took money the service could not place, for an operator to settle in Stripe. */
export function paymentsAdminRoutes(deps: {
  payments: PaymentsService;
  guards: Guards;
  clock: Clock;
}): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      "/api/v1/admin/orders/:id/refund",
      {
        onRequest: deps.guards.requireAdmin,
        config: { problems: [409, 502] },
        schema: {
          summary: "Refund a paid order",
          description:
            "Gives the whole payment back through the provider that took it (Stripe: a refund of its payment intent; Telegram Stars: refundStarPayment; a manual payment is returned outside the service) and refunds the order: the period it paid for is revoked and the affiliate's commission reversed, once (a later charge.refunded changes nothing). An order already refunded answers 200 as it is. 409 orders.not_refundable when the order is not paid; 503 payments.provider_unavailable when its provider is not configured; 502 payments.provider_failed when the provider refuses.",
          tags: ["admin: orders"],
          params: OrderIdParams,
          response: { 200: AdminOrderSchema },
        },
      },
      async (req) => {
        const { order } = await deps.payments.refundOrder(currentUser(req), req.params.id);
        return adminOrderView(order, deps.clock.now());
      },
    );

    app.get(
      "/api/v1/admin/payments/flagged",
      {
        onRequest: deps.guards.requireAdmin,
        schema: {
          summary: "Stripe events to review",
          description:
            "Stripe events that took money the service could not place (an invoice.paid for a subscription no order knows), newest first, at most 100: settle each in the Stripe dashboard.",
          tags: ["admin: orders"],
          response: { 200: z.object({ items: z.array(FlaggedEventSchema) }) },
        },
      },
      async () => ({
        items: (await deps.payments.flaggedEvents()).map((e) => ({
          ...e,
          reason: e.reason ?? "",
          receivedAt: e.receivedAt.toISOString(),
        })),
      }),
    );
  };
}
