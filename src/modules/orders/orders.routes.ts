import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Clock } from "../../shared/clock";
import { IdempotencyHeaders, replyIdempotentWrite } from "../../shared/http/idempotency.http";
import type { IdempotencyService } from "../../shared/idempotency/idempotency.service";
import { currentUser, type Guards } from "../auth/auth.guards";
import {
  AdminListQuery,
  AdminOrderListSchema,
  AdminOrderSchema,
  CreateOrderBody,
  ListQuery,
  MarkPaidBody,
  OrderIdParams,
  OrderListSchema,
  OrderSchema,
} from "./orders.schemas";
import type { OrdersService } from "./orders.service";
import { adminOrderView, orderView } from "./orders.views";

export function ordersRoutes(deps: {
  orders: OrdersService;
  guards: Guards;
  idempotency: IdempotencyService;
  clock: Clock;
}): FastifyPluginAsyncZod {
  const { orders, guards, clock } = deps;
  return async (app) => {
    const user = { onRequest: guards.requireUser };
    const tags = ["orders"];

    app.post(
      "/api/v1/orders",
      {
        ...user,
        config: { problems: [404, 409] },
        schema: {
          summary: "Order a plan",
          description:
            "Locks the quoted price (tier, months, region, referral and coupon discounts) for 24 h. Takes an Idempotency-Key: a retry with the same key and body answers the first order. 404 for an unknown tier; 409 for a coupon that cannot be used or a key reused with another body.",
          tags,
          headers: IdempotencyHeaders,
          body: CreateOrderBody,
          response: { 201: OrderSchema },
        },
      },
      async (req, reply) => {
        const buyer = currentUser(req);
        const who = { id: buyer.id, region: buyer.row.region };
        // The order and the stored response commit together: a crash cannot leave an order whose
        // Idempotency-Key a retry would not find (and so create it again).
        return replyIdempotentWrite(
          deps.idempotency,
          req,
          reply,
          { userId: buyer.id, scope: "orders.create", request: req.body },
          () => orders.quoteFor(who, req.body),
          async (tx, quote) => {
            const row = await orders.insertQuoted(tx, who, quote, req.body.renewal);
            return { status: 201, body: orderView(row, clock.now()) };
          },
        );
      },
    );

    app.get(
      "/api/v1/orders",
      {
        ...user,
        schema: {
          summary: "My orders",
          description: "The caller's orders, newest first, a page at a time (nextCursor).",
          tags,
          querystring: ListQuery,
          response: { 200: OrderListSchema },
        },
      },
      async (req) => {
        const page = await orders.listOwn(currentUser(req).id, req.query);
        const now = clock.now();
        return { items: page.items.map((row) => orderView(row, now)), nextCursor: page.nextCursor };
      },
    );

    app.get(
      "/api/v1/orders/:id",
      {
        ...user,
        schema: {
          summary: "One of my orders",
          description: "An order of the caller's; anyone else's is 404.",
          tags,
          params: OrderIdParams,
          response: { 200: OrderSchema },
        },
      },
      async (req) => orderView(await orders.getOwn(currentUser(req).id, req.params.id), clock.now()),
    );

    app.post(
      "/api/v1/orders/:id/cancel",
      {
        ...user,
        config: { problems: [409] },
        schema: {
          summary: "Cancel a pending order",
          description:
            "Only a pending order can be cancelled (else 409 orders.not_pending); a reserved coupon redemption is released.",
          tags,
          params: OrderIdParams,
          response: { 200: OrderSchema },
        },
      },
      async (req) => orderView(await orders.cancel(currentUser(req).id, req.params.id), clock.now()),
    );

    const admin = { onRequest: guards.requireAdmin };
    const adminTags = ["admin: orders"];

    app.get(
      "/api/v1/admin/orders",
      {
        ...admin,
        schema: {
          summary: "All orders",
          description: "Every order, optionally by status, newest first, a page at a time.",
          tags: adminTags,
          querystring: AdminListQuery,
          response: { 200: AdminOrderListSchema },
        },
      },
      async (req) => {
        const page = await orders.listAll(req.query);
        const now = clock.now();
        return { items: page.items.map((row) => adminOrderView(row, now)), nextCursor: page.nextCursor };
      },
    );

    app.post(
      "/api/v1/admin/orders/:id/mark-paid",
      {
        ...admin,
        config: { problems: [409] },
        schema: {
          summary: "Record a manual payment",
          description:
            "Marks a pending order paid (bank transfer, cash, a test) with a reference: the plan is granted or extended and the affiliate's commission recorded, as for a card payment. 409 when the order is not pending.",
          tags: adminTags,
          params: OrderIdParams,
          body: MarkPaidBody,
          response: { 200: AdminOrderSchema },
        },
      },
      async (req) => {
        const row = await orders.markPaidManually(currentUser(req), req.params.id, req.body.reference);
        return adminOrderView(row, clock.now());
      },
    );
  };
}
