import { eq, gt } from "drizzle-orm";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import type { Events } from "../../shared/events";
import type { Counter } from "../../shared/metrics";
import { enqueue } from "../../shared/outbox/outbox";
import { type UnitOfWork, withTransaction } from "../../shared/unit-of-work";
import type { AuditService } from "../audit/audit.service";
import { catalogTiers } from "../catalog/catalog.table";
import type { EntitlementsService } from "../entitlements/entitlements.service";
import type { EntitlementRow } from "../entitlements/entitlements.table";
import { entitlementDays, paymentMismatch } from "./orders.models";
import { ordersRepository } from "./orders.repository";
import { type OrderProvider, type OrderRow, orders } from "./orders.table";

export interface MarkPaidInput {
  orderId: string;
  provider: OrderProvider;
  /** The provider's id for this money (payment intent, Stars charge id, bank reference). */
  reference: string;
  /** What the provider says was paid; checked against the order when given. */
  amount?: number;
  currency?: string;
  /** When the provider took the money (defaults to now); it must be before the order expired. */
  paidAt?: Date;
  /** The admin who marked it paid by hand; audited in the same transaction. */
  actor?: { id: string };
}

export type PaidOutcome =
  | { result: "paid"; order: OrderRow; entitlement: EntitlementRow }
  | { result: "already_paid"; order: OrderRow }
  | { result: "not_payable"; order: OrderRow }
  | { result: "mismatch"; order: OrderRow; reason: string }
  | { result: "not_found" };

export interface MarkRefundedInput {
  orderId: string;
  provider: OrderProvider;
  reference: string;
  actor?: { id: string };
}

export type RefundOutcome =
  | { result: "refunded"; order: OrderRow; revoked: EntitlementRow | undefined }
  | { result: "already_refunded"; order: OrderRow }
  | { result: "not_refundable"; order: OrderRow }
  | { result: "not_found" };

export interface SettlementDeps {
  db: Executor;
  clock: Clock;
  entitlements: Pick<EntitlementsService, "grantPeriod" | "revokeForOrder">;
  audit: Pick<AuditService, "record">;
  events: Events;
  ordersTotal: Pick<Counter<"status">, "inc">;
}

/**
 * Paid means granted: the only code that writes `paid` or `refunded` onto an order. Each runs
 * one unit of work (the caller's, if given one) holding the conditional status update, the
 * entitlement change, the `orders.paid` / `orders.refunded` reactions and the outbox row.
 */
export function createSettlement(deps: SettlementDeps) {
  const { clock } = deps;

  async function markOrderPaid(input: MarkPaidInput, within?: UnitOfWork): Promise<PaidOutcome> {
    return withTransaction(
      deps,
      async (uow): Promise<PaidOutcome> => {
        const { tx } = uow;
        const repo = ordersRepository(tx);
        const order = await repo.findById(input.orderId);
        if (!order) return { result: "not_found" };
        if (input.amount !== undefined && input.currency !== undefined) {
          const reason = paymentMismatch(order, { amount: input.amount, currency: input.currency });
          if (reason) {
            await repo.flag(order.id, reason);
            return { result: "mismatch", order, reason };
          }
        }
        const now = clock.now();
        // When the buyer paid, as the provider reports it (a webhook may arrive days late); never
        // later than now. The commission's hold and 12-month window are dated from it.
        // Stryker disable next-line EqualityOperator: at exactly now both branches give the same instant
        const paidAt = input.paidAt && input.paidAt.getTime() < now.getTime() ? input.paidAt : now;
        const paid = await repo.transition(
          order.id,
          "paid",
          { provider: input.provider, providerReference: input.reference, paidAt },
          gt(orders.expiresAt, paidAt),
        );
        if (!paid) {
          const current = (await repo.findById(order.id))!;
          const repeat =
            current.status === "paid" &&
            current.provider === input.provider &&
            current.providerReference === input.reference;
          if (repeat) return { result: "already_paid", order: current };
          // Money a provider took for an order that can no longer be paid has to go back by hand.
          if (input.provider !== "manual") {
            await repo.flag(
              current.id,
              `${input.provider} payment ${input.reference} for a ${current.status} order`,
            );
          }
          return { result: "not_payable", order: current };
        }
        // Read through the transaction: on PGlite a query on the pool would wait for this very transaction.
        const [tier] = await tx
          .select({ id: catalogTiers.id, level: catalogTiers.level })
          .from(catalogTiers)
          .where(eq(catalogTiers.id, paid.tierId));
        // orders.tier_id references catalog_tiers, so this only tells TypeScript the row exists.
        // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable under the foreign key
        if (!tier) throw new Error(`order ${paid.id} names tier ${paid.tierId}, which does not exist`);
        const entitlement = await deps.entitlements.grantPeriod(uow, {
          userId: paid.userId,
          tier,
          days: entitlementDays(paid.months),
          source: { orderId: paid.id },
        });
        await uow.emit("orders.paid", { order: paid, entitlement });
        await enqueue(
          tx,
          "orders.paid",
          {
            orderId: paid.id,
            userId: paid.userId,
            tierId: paid.tierId,
            level: tier.level,
            months: paid.months,
            totalMinor: paid.totalMinor,
            currency: paid.currency,
            provider: input.provider,
            entitlementId: entitlement.id,
            // An auto-renew order is told it renews; a renewal's own order is told it renewed.
            renewal: paid.renewal,
            subscriptionId: paid.subscriptionId,
            startsAt: entitlement.startsAt.toISOString(),
            expiresAt: entitlement.expiresAt.toISOString(),
          },
          now,
        );
        if (input.actor) {
          await deps.audit.record(
            {
              actorId: input.actor.id,
              actorKind: "admin",
              action: "orders.marked_paid",
              subjectType: "order",
              subjectId: paid.id,
              data: { provider: input.provider, reference: input.reference, entitlementId: entitlement.id },
            },
            tx,
          );
        }
        uow.afterCommit(() => deps.ordersTotal.inc({ status: "paid" }));
        return { result: "paid", order: paid, entitlement };
      },
      within,
    );
  }

  async function markOrderRefunded(input: MarkRefundedInput, within?: UnitOfWork): Promise<RefundOutcome> {
    return withTransaction(
      deps,
      async (uow): Promise<RefundOutcome> => {
        const { tx } = uow;
        const repo = ordersRepository(tx);
        const now = clock.now();
        const refunded = await repo.transition(input.orderId, "refunded", { refundedAt: now });
        if (!refunded) {
          const current = await repo.findById(input.orderId);
          if (!current) return { result: "not_found" };
          const result = current.status === "refunded" ? "already_refunded" : "not_refundable";
          return { result, order: current };
        }
        const by = input.actor?.id ?? `${input.provider}:${input.reference}`;
        const revoked = await deps.entitlements.revokeForOrder(uow, refunded.id, by);
        await uow.emit("orders.refunded", { order: refunded, revoked });
        await enqueue(
          tx,
          "orders.refunded",
          {
            orderId: refunded.id,
            userId: refunded.userId,
            tierId: refunded.tierId,
            provider: input.provider,
            reference: input.reference,
            entitlementId: revoked?.id ?? null,
          },
          now,
        );
        if (input.actor) {
          await deps.audit.record(
            {
              actorId: input.actor.id,
              actorKind: "admin",
              action: "orders.refunded",
              subjectType: "order",
              subjectId: refunded.id,
              data: { provider: input.provider, reference: input.reference },
            },
            tx,
          );
        }
        uow.afterCommit(() => deps.ordersTotal.inc({ status: "refunded" }));
        return { result: "refunded", order: refunded, revoked };
      },
      within,
    );
  }

  return { markOrderPaid, markOrderRefunded };
}
