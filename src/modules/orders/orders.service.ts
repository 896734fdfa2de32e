import { and, eq, gt } from "drizzle-orm";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import { CommonErrors } from "../../shared/errors";
import type { Events } from "../../shared/events";
import { newId } from "../../shared/ids";
import type { Metrics } from "../../shared/metrics";
import { withTransaction } from "../../shared/unit-of-work";
import type { AuditService } from "../audit/audit.service";
import type { EntitlementsService } from "../entitlements/entitlements.service";
import type { CouponsService } from "../pricing/coupons.service";
import { DEFAULT_REGION, type Quote, type QuoteMonths, type RegionCode } from "../pricing/pricing.models";
import type { PricingService } from "../pricing/pricing.service";
import { OrderErrors } from "./orders.errors";
import { decodeCursor, effectiveStatus, encodeCursor, ORDER_TTL_MS } from "./orders.models";
import { ordersRepository, type Page } from "./orders.repository";
import { createSettlement } from "./orders.settlement";
import { type OrderRenewal, type OrderRow, type OrderStatus, orders } from "./orders.table";

export type OrdersService = ReturnType<typeof createOrdersService>;

export interface NewOrder {
  tierId: string;
  months: QuoteMonths;
  region?: RegionCode;
  coupon?: string;
  renewal?: OrderRenewal;
}

export interface ListRequest {
  limit: number;
  cursor?: string;
}

function toPage(req: ListRequest): Page {
  if (req.cursor === undefined) return { limit: req.limit + 1 };
  const beforeId = decodeCursor(req.cursor);
  if (!beforeId) {
    throw CommonErrors.invalid("The cursor is not one this server handed out", {
      errors: [{ path: "cursor", message: "is not a valid cursor" }],
    });
  }
  return { limit: req.limit + 1, beforeId };
}

/** One more row than asked tells whether there is a next page without a count query. */
function paged(rows: OrderRow[], limit: number) {
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? encodeCursor(items.at(-1)!.id) : null;
  return { items, nextCursor };
}

export function createOrdersService(deps: {
  db: Executor;
  clock: Clock;
  pricing: Pick<PricingService, "quote">;
  coupons: Pick<CouponsService, "reserve">;
  entitlements: Pick<EntitlementsService, "grantPeriod" | "revokeForOrder">;
  audit: Pick<AuditService, "record">;
  events: Events;
  metrics: Pick<Metrics, "counter">;
}) {
  const { db, clock } = deps;
  const repo = ordersRepository(db);
  const ordersTotal = deps.metrics.counter("orders_total", "Orders reaching each status", ["status"]);
  const settlement = createSettlement({ ...deps, ordersTotal });

  async function getOwn(userId: string, orderId: string): Promise<OrderRow> {
    const row = await repo.findOwn(userId, orderId);
    if (!row) throw OrderErrors.notFound();
    return row;
  }

  async function quoteFor(buyer: { id: string; region: RegionCode | null }, input: NewOrder): Promise<Quote> {
    return deps.pricing.quote({
      tierId: input.tierId,
      months: input.months,
      region: input.region ?? buyer.region ?? DEFAULT_REGION,
      userId: buyer.id,
      coupon: input.coupon,
    });
  }

  /**
   * Inserts the order over `executor` (a transaction when a coupon is involved: its row stays
   * locked until the order commits, so the reservation and the count cannot interleave).
   */
  async function insertQuoted(
    executor: Executor,
    buyer: { id: string },
    priced: Quote,
    renewal: OrderRenewal = "none",
  ): Promise<OrderRow> {
    const quote = priced.coupon ? await deps.coupons.reserve(executor, priced, buyer.id) : priced;
    const now = clock.now();
    const row = await ordersRepository(executor).insert({
      id: newId("ord", now.getTime()),
      userId: buyer.id,
      tierId: quote.tierId,
      months: quote.months,
      region: quote.region,
      status: "pending",
      quote,
      totalMinor: quote.totalMinor,
      currency: quote.currency,
      fxRate: quote.fxRateDecimal,
      couponCode: quote.coupon ?? null,
      renewal,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ORDER_TTL_MS),
    });
    ordersTotal.inc({ status: "pending" });
    return row;
  }

  return {
    ...settlement,
    getOwn,
    findById: (orderId: string, executor: Executor = db) => ordersRepository(executor).findById(orderId),
    findByProviderReference: (executor: Executor, provider: OrderRow["provider"] & string, ref: string) =>
      ordersRepository(executor).findByProviderReference(provider, ref),
    effectiveStatus: (row: OrderRow) => effectiveStatus(row, clock.now()),

    /** Prices the order now and locks that quote, FX rate included, into it for good. */
    async create(buyer: { id: string; region: RegionCode | null }, input: NewOrder): Promise<OrderRow> {
      const quote = await quoteFor(buyer, input);
      return db.transaction((tx) => insertQuoted(tx, buyer, quote, input.renewal));
    },

    /** `create` in two steps, for callers that insert inside their own transaction: price (reads only)… */
    quoteFor,
    /** …then insert over the executor given (the quote is locked into the order). */
    insertQuoted,

    async listOwn(userId: string, req: ListRequest) {
      return paged(await repo.listByUser(userId, toPage(req)), req.limit);
    },

    async listAll(req: ListRequest & { status?: OrderStatus }) {
      return paged(await repo.listAll({ ...toPage(req), status: req.status, now: clock.now() }), req.limit);
    },

    async cancel(userId: string, orderId: string): Promise<OrderRow> {
      await getOwn(userId, orderId);
      const now = clock.now();
      const row = await withTransaction(deps, async (uow) => {
        const cancelled = await ordersRepository(uow.tx).transition(
          orderId,
          "cancelled",
          { cancelledAt: now },
          and(eq(orders.userId, userId), gt(orders.expiresAt, now)),
        );
        if (cancelled)
          await uow.emit("orders.cancelled", { orderId: cancelled.id, userId: cancelled.userId });
        return cancelled;
      });
      if (!row)
        throw OrderErrors.notPending(`The order is ${effectiveStatus(await getOwn(userId, orderId), now)}`);
      ordersTotal.inc({ status: "cancelled" });
      return row;
    },

    /** Stripe said the order's session expired: the order expires with it (if still pending). */
    async expireForSession(executor: Executor, orderId: string, sessionId: string) {
      const row = await ordersRepository(executor).transition(
        orderId,
        "expired",
        { expiredAt: clock.now() },
        eq(orders.stripeSessionId, sessionId),
      );
      if (row) ordersTotal.inc({ status: "expired" });
      return row;
    },

    async attachStripeSession(orderId: string, session: { id: string; url: string }) {
      return repo.attachStripeSession(orderId, session, clock.now());
    },

    /** The order's Telegram Stars price, fixed by the first invoice; later invoices reuse it. */
    async fixStarsAmount(orderId: string, stars: number): Promise<OrderRow> {
      const fixed = await repo.fixStarsAmount(orderId, stars, clock.now());
      if (fixed) return fixed;
      const current = await repo.findById(orderId);
      if (!current) throw OrderErrors.notFound();
      const status = effectiveStatus(current, clock.now());
      if (status !== "pending" || current.starsAmount === null) {
        throw OrderErrors.notPending(`The order is ${status}`);
      }
      return current;
    },

    /** The sweeper's work: writes `expired` on pending orders past their expiry. */
    async expireOverdue(): Promise<number> {
      const rows = await repo.expireOverdue(clock.now());
      if (rows.length > 0) ordersTotal.inc({ status: "expired" }, rows.length);
      return rows.length;
    },

    /**
     * An order a coupon made free has nothing to collect: checking it out settles it at once,
     * through the same paid path (entitlement, reactions), with the coupon as the reference.
     */
    async settleFree(order: OrderRow): Promise<OrderRow> {
      if (order.totalMinor !== 0) throw new Error(`order ${order.id} is not free`);
      const outcome = await settlement.markOrderPaid({
        orderId: order.id,
        provider: "manual",
        reference: `coupon:${order.couponCode ?? "none"}`,
      });
      if (outcome.result === "paid" || outcome.result === "already_paid") return outcome.order;
      if (outcome.result === "not_found") throw OrderErrors.notFound();
      throw OrderErrors.notPending(`The order is ${effectiveStatus(outcome.order, clock.now())}`);
    },

    /** An admin records a payment taken outside any provider (bank transfer, cash, a test). */
    async markPaidManually(actor: { id: string }, orderId: string, reference: string): Promise<OrderRow> {
      const outcome = await settlement.markOrderPaid({ orderId, provider: "manual", reference, actor });
      switch (outcome.result) {
        case "paid":
        case "already_paid":
          return outcome.order;
        case "not_found":
          throw OrderErrors.notFound();
        default:
          throw OrderErrors.notPending(`The order is ${effectiveStatus(outcome.order, clock.now())}`);
      }
    },
  };
}
