import { and, desc, eq, gt, isNull, lt, lte, or, type SQL } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { requiredFrom, STRIPE_REDELIVERY_MS } from "./orders.models";
import { type OrderProvider, type OrderRow, type OrderStatus, orders } from "./orders.table";

export interface Page {
  limit: number;
  /** Return orders older than this id (keyset pagination, newest first). */
  beforeId?: string;
}

/** Orders whose effective status is `status`: a pending order past its expiry counts as expired. */
function effectiveStatusIs(status: OrderStatus, now: Date): SQL | undefined {
  if (status === "pending") return and(eq(orders.status, "pending"), gt(orders.expiresAt, now));
  if (status === "expired") {
    return or(eq(orders.status, "expired"), and(eq(orders.status, "pending"), lte(orders.expiresAt, now)));
  }
  return eq(orders.status, status);
}

/** Queries over whatever executor it is given: the database or the caller's transaction. */
export function ordersRepository(ex: Executor) {
  const page = async (where: SQL | undefined, p: Page) =>
    ex
      .select()
      .from(orders)
      .where(and(where, p.beforeId ? lt(orders.id, p.beforeId) : undefined))
      .orderBy(desc(orders.id))
      .limit(p.limit);

  return {
    async insert(values: typeof orders.$inferInsert): Promise<OrderRow> {
      const [row] = await ex.insert(orders).values(values).returning();
      return row!;
    },
    async findById(id: string): Promise<OrderRow | undefined> {
      return (await ex.select().from(orders).where(eq(orders.id, id)))[0];
    },
    async findOwn(userId: string, id: string): Promise<OrderRow | undefined> {
      return (
        await ex
          .select()
          .from(orders)
          .where(and(eq(orders.id, id), eq(orders.userId, userId)))
      )[0];
    },
    async findByProviderReference(provider: OrderProvider, reference: string): Promise<OrderRow | undefined> {
      return (
        await ex
          .select()
          .from(orders)
          .where(and(eq(orders.provider, provider), eq(orders.providerReference, reference)))
      )[0];
    },
    listByUser: (userId: string, p: Page) => page(eq(orders.userId, userId), p),
    listAll: (p: Page & { status?: OrderStatus; now: Date }) =>
      page(p.status ? effectiveStatusIs(p.status, p.now) : undefined, p),

    /**
     * The state machine's only write path: `UPDATE … WHERE status = <the one allowed source>`.
     * Concurrent callers race on the row; exactly one gets it back, the rest get undefined.
     */
    async transition(
      id: string,
      to: Exclude<OrderStatus, "pending">,
      set: Partial<typeof orders.$inferInsert>,
      condition?: SQL,
    ): Promise<OrderRow | undefined> {
      const [row] = await ex
        .update(orders)
        .set({ ...set, status: to })
        .where(and(eq(orders.id, id), eq(orders.status, requiredFrom(to)), condition))
        .returning();
      return row;
    },

    /** Records a checkout on a still-payable order; undefined if it stopped being payable. */
    async attachStripeSession(id: string, session: { id: string; url: string }, now: Date) {
      const [row] = await ex
        .update(orders)
        .set({ provider: "stripe", stripeSessionId: session.id, checkoutUrl: session.url })
        .where(and(eq(orders.id, id), eq(orders.status, "pending"), gt(orders.expiresAt, now)))
        .returning();
      return row;
    },

    /** Fixes the Telegram Stars price of a still-payable order, once: a price already fixed stays. */
    async fixStarsAmount(id: string, stars: number, now: Date): Promise<OrderRow | undefined> {
      const [row] = await ex
        .update(orders)
        .set({ starsAmount: stars })
        .where(
          and(
            eq(orders.id, id),
            eq(orders.status, "pending"),
            gt(orders.expiresAt, now),
            isNull(orders.starsAmount),
          ),
        )
        .returning();
      return row;
    },

    async flag(id: string, reason: string): Promise<void> {
      await ex.update(orders).set({ flaggedReason: reason }).where(eq(orders.id, id));
    },

    /** Writes `expired` on every pending order the sweeper may expire (see `sweepable`). */
    async expireOverdue(now: Date): Promise<OrderRow[]> {
      const stripeCutoff = new Date(now.getTime() - STRIPE_REDELIVERY_MS);
      return ex
        .update(orders)
        .set({ status: "expired", expiredAt: now })
        .where(
          and(
            eq(orders.status, "pending"),
            or(
              and(isNull(orders.stripeSessionId), lte(orders.expiresAt, now)),
              lte(orders.expiresAt, stripeCutoff),
            ),
          ),
        )
        .returning();
    },
  };
}

export type OrdersRepository = ReturnType<typeof ordersRepository>;
