import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { sendPage } from "../../shared/http/html";
import type { CatalogService } from "../catalog/catalog.service";
import type { EntitlementsService } from "../entitlements/entitlements.service";
import { OrderErrors } from "../orders/orders.errors";
import type { OrdersService } from "../orders/orders.service";
import type { OrderRow } from "../orders/orders.table";
import { type CheckoutPageView, checkoutPage, orderNotFoundPage } from "./checkout.templates";
import { botLink, isCheckoutPageToken } from "./payments.models";

const PageQuery = z.object({
  order: z.string().min(1).max(64).optional(),
  /** Our token for this order (see checkoutPageToken). */
  t: z.string().max(64).optional(),
  /** Stripe fills in {CHECKOUT_SESSION_ID} on the success URL: it opens the page too. */
  session_id: z.string().max(255).optional(),
});
type PageQuery = z.infer<typeof PageQuery>;

/**
 * Where Stripe Checkout sends the buyer back (`/checkout/success`, `/checkout/cancel`): small
 * server-rendered pages with the order's real state, polling it until the webhook lands, and
 * a button back to the bot. A browser has no bearer token, so the link itself is the key: the
 * order id with our token (or the Stripe session id Stripe filled in). Anything else is a 404.
 */
export function checkoutPages(deps: {
  orders: Pick<OrdersService, "findById" | "effectiveStatus">;
  catalog: Pick<CatalogService, "findTier">;
  entitlements: Pick<EntitlementsService, "periodForOrder">;
  pageSecret: string;
  botUsername: () => string | undefined;
}): FastifyPluginAsyncZod {
  async function orderFor(q: PageQuery): Promise<OrderRow | undefined> {
    if (!q.order) return undefined;
    const order = await deps.orders.findById(q.order);
    if (!order) return undefined;
    const bySession = q.session_id !== undefined && order.stripeSessionId === q.session_id;
    return bySession || isCheckoutPageToken(deps.pageSecret, order.id, q.t) ? order : undefined;
  }

  async function viewOf(order: OrderRow): Promise<CheckoutPageView> {
    const [tier, period] = await Promise.all([
      deps.catalog.findTier(order.tierId),
      order.status === "paid" ? deps.entitlements.periodForOrder(order.id) : undefined,
    ]);
    return {
      orderId: order.id,
      status: deps.orders.effectiveStatus(order),
      planName: tier?.name ?? "Plan",
      months: order.months,
      totalMinor: order.totalMinor,
      currency: order.currency,
      activeUntil: period?.expiresAt ?? null,
      expiresAt: order.expiresAt,
    };
  }

  return async (app) => {
    const options = { schema: { hide: true, querystring: PageQuery } } as const;
    for (const which of ["success", "cancel"] as const) {
      app.get(`/checkout/${which}`, options, async (req, reply) => {
        const botUrl = botLink(deps.botUsername());
        const order = await orderFor(req.query);
        if (!order) return sendPage(reply, 404, orderNotFoundPage(botUrl));
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(req.query)) if (v !== undefined) params.set(k, v);
        return sendPage(
          reply,
          200,
          checkoutPage(which, await viewOf(order), { botUrl, stateUrl: `/checkout/state?${params}` }),
        );
      });
    }

    // What the pages poll: the order's state only, with the same key as the page.
    app.get(
      "/checkout/state",
      {
        config: { problems: [404] },
        schema: {
          tags: ["payments"],
          summary: "An order's state for the checkout return pages (keyed by the page link)",
          description:
            "What /checkout/success and /checkout/cancel poll until the webhook lands: the order's status, found by the order id and key (or the Stripe session id) the page link carries; 404 otherwise.",
          querystring: PageQuery,
          response: { 200: z.object({ orderId: z.string(), status: z.string() }) },
        },
      },
      async (req, reply) => {
        const order = await orderFor(req.query);
        reply.header("cache-control", "no-store");
        if (!order) throw OrderErrors.notFound();
        return { orderId: order.id, status: deps.orders.effectiveStatus(order) };
      },
    );
  };
}
