import { and, asc, count, eq, gt, inArray, isNull, or } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import type { Clock } from "../../shared/clock";
import type { AuditService } from "../audit/audit.service";
import { orders } from "../orders/orders.table";
import { type CouponTerms, couponRefusal, withCoupon } from "./coupons.models";
import { type CouponRow, coupons } from "./coupons.table";
import { PricingErrors } from "./pricing.errors";
import type { Quote } from "./pricing.models";

export type CouponsService = ReturnType<typeof createCouponsService>;

export interface NewCoupon {
  code: string;
  percentOff?: number;
  amountOffMinor?: number;
  currency?: string;
  maxRedemptions?: number;
  expiresAt?: Date;
  tierIds?: string[];
  firstOrderOnly?: boolean;
}

const terms = (row: CouponRow): CouponTerms => ({ ...row, tierIds: row.tierIds ?? null });

/**
 * Coupons (API.md §14). A redemption is an order carrying the code that is paid, or pending and
 * not yet past its expiry (the reservation an order takes when it is created); so an order that
 * expires or is cancelled gives its place back by itself. Creating an order with a coupon locks
 * the coupon's row first, then counts: concurrent orders for the last place queue on that lock
 * and the second one counts the first.
 */
export function createCouponsService(deps: {
  db: Executor;
  clock: Clock;
  audit: Pick<AuditService, "record">;
}) {
  const { db, clock } = deps;

  async function redemptions(executor: Executor, code: string, at: Date): Promise<number> {
    const [row] = await executor
      .select({ n: count() })
      .from(orders)
      .where(
        and(
          eq(orders.couponCode, code),
          or(eq(orders.status, "paid"), and(eq(orders.status, "pending"), gt(orders.expiresAt, at))),
        ),
      );
    return row?.n ?? 0;
  }

  async function hasPaidBefore(executor: Executor, userId: string): Promise<boolean> {
    const [row] = await executor
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.userId, userId), inArray(orders.status, ["paid", "refunded"])))
      .limit(1);
    return row !== undefined;
  }

  /** The quote with the coupon applied, or 409 `pricing.coupon_invalid` saying why not. */
  async function applyTo(
    quote: Quote,
    code: string,
    opts: { userId?: string; executor?: Executor; lock?: boolean } = {},
  ): Promise<Quote> {
    const executor = opts.executor ?? db;
    const query = executor.select().from(coupons).where(eq(coupons.code, code.toUpperCase()));
    const [row] = opts.lock ? await query.for("update") : await query;
    if (!row) throw PricingErrors.couponInvalid(`Coupon ${code} does not exist`);
    const at = clock.now();
    const refusal = couponRefusal(terms(row), {
      tierId: quote.tierId,
      currency: quote.currency,
      at,
      hasPaidBefore: opts.userId ? await hasPaidBefore(executor, opts.userId) : undefined,
      redemptions: await redemptions(executor, row.code, at),
    });
    if (refusal) throw PricingErrors.couponInvalid(refusal);
    return withCoupon(quote, terms(row));
  }

  return {
    applyTo,
    /**
     * Inside the transaction that inserts the order: locks the coupon, counts again and checks
     * again (time passed since the quote), so `maxRedemptions` holds however many orders race.
     */
    reserve: (tx: Executor, quote: Quote, userId: string) =>
      applyTo(
        { ...quote, lines: quote.lines.filter((l) => l.code !== "coupon"), totalMinor: totalBefore(quote) },
        quote.coupon!,
        {
          userId,
          executor: tx,
          lock: true,
        },
      ),

    async create(actor: { id: string }, input: NewCoupon): Promise<CouponRow> {
      const now = clock.now();
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx
            .insert(coupons)
            .values({
              code: input.code,
              percentOff: input.percentOff ?? null,
              amountOffMinor: input.amountOffMinor ?? null,
              currency: input.currency?.toUpperCase() ?? null,
              maxRedemptions: input.maxRedemptions ?? null,
              expiresAt: input.expiresAt ?? null,
              tierIds: input.tierIds && input.tierIds.length > 0 ? input.tierIds : null,
              firstOrderOnly: input.firstOrderOnly ?? false,
              createdBy: actor.id,
              createdAt: now,
            })
            .returning();
          await deps.audit.record(
            {
              actorId: actor.id,
              actorKind: "admin",
              action: "coupons.created",
              subjectType: "coupon",
              subjectId: input.code,
              data: { ...input, expiresAt: input.expiresAt?.toISOString() },
            },
            tx,
          );
          return row!;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw PricingErrors.couponExists(`Coupon ${input.code} exists already`);
        throw err;
      }
    },

    /** Live coupons with how many places are taken (paid + reserved), oldest first. */
    async list(): Promise<(CouponRow & { redemptions: number })[]> {
      const rows = await db
        .select()
        .from(coupons)
        .where(isNull(coupons.deletedAt))
        .orderBy(asc(coupons.createdAt));
      const at = clock.now();
      return Promise.all(
        rows.map(async (row) => ({ ...row, redemptions: await redemptions(db, row.code, at) })),
      );
    },

    async remove(actor: { id: string }, code: string): Promise<void> {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .update(coupons)
          .set({ deletedAt: clock.now() })
          .where(and(eq(coupons.code, code), isNull(coupons.deletedAt)))
          .returning({ code: coupons.code });
        if (!row) throw PricingErrors.couponNotFound();
        await deps.audit.record(
          {
            actorId: actor.id,
            actorKind: "admin",
            action: "coupons.deleted",
            subjectType: "coupon",
            subjectId: code,
          },
          tx,
        );
      });
    },
  };
}

/** The total before the coupon line (what s3 was when the quote was priced). */
function totalBefore(quote: Quote): number {
  const line = quote.lines.find((l) => l.code === "coupon");
  return quote.totalMinor - (line?.amountMinor ?? 0);
}
