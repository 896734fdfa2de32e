import { eq, gt } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { Counter } from "prom-client";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import type { EventBus } from "../../shared/events";
import { enqueue } from "../../shared/outbox/outbox";
import type { AuditService } from "../audit/audit.service";
import { catalogTiers } from "../catalog/catalog.table";
import type { EntitlementsService } from "../entitlements/entitlements.service";
import type { EntitlementRow } from "../entitlements/entitlements.table";
import { entitlementDays, paymentMismatch } from "./orders.models";
import { ordersRepository } from "./orders.repository";
import { type OrderProvider, type OrderRow, orders } from "./orders.table";

/**
 * Runs inside the transaction that marks an order paid (or refunded), after the entitlement
 * change: the affiliate program records (or reverses) commission here. Throwing rolls the
 * payment back, so nothing that must happen with a payment can be skipped.
 */
export type OrderPaidHook = (tx: Executor, order: OrderRow) => Promise<void>;
export type OrderRefundedHook = (tx: Executor, order: OrderRow) => Promise<void>;

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

/** Call `publish()` after the transaction you passed in commits (it is a no-op the second time). */
interface Publishable {
  publish(): void;
}

export type PaidOutcome = Publishable &
  (
    | { result: "paid"; order: OrderRow; entitlement: EntitlementRow }
    | { result: "already_paid"; order: OrderRow }
    | { result: "not_payable"; order: OrderRow }
    | { result: "mismatch"; order: OrderRow; reason: string }
    | { result: "not_found" }
  );

export interface MarkRefundedInput {
  orderId: string;
  provider: OrderProvider;
  reference: string;
  actor?: { id: string };
}

export type RefundOutcome = Publishable &
  (
    | { result: "refunded"; order: OrderRow; revoked: EntitlementRow | undefined }
    | { result: "already_refunded"; order: OrderRow }
    | { result: "not_refundable"; order: OrderRow }
    | { result: "not_found" }
  );

export interface SettlementDeps {
  db: Executor;
  clock: Clock;
  entitlements: Pick<EntitlementsService, "grantPeriod" | "revokeForOrder">;
  audit: Pick<AuditService, "record">;
  events: EventBus;
  ordersTotal: Pick<Counter<"status">, "inc">;
}

const once = (fn: () => void) => {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
};

/**
 * Paid means granted: the only code that writes `paid` or `refunded` onto an order. Each runs
 * one transaction (the caller's, if given one) holding the conditional status update, the
 * entitlement change, every registered hook and the outbox row.
 */
export function createSettlement(deps: SettlementDeps) {
  const { clock, events } = deps;
  const paidHooks: OrderPaidHook[] = [];
  const refundedHooks: OrderRefundedHook[] = [];

  /** Runs `work` in `owner` if it is a transaction, else in a new one; publishes after our own commits. */
  async function settle<T extends Publishable>(owner: Executor, work: (tx: Executor) => Promise<T>) {
    if (owner instanceof PgTransaction) return work(owner);
    const outcome = await owner.transaction((tx) => work(tx));
    outcome.publish();
    return outcome;
  }

  const noop = () => {};

  async function markOrderPaid(owner: Executor, input: MarkPaidInput): Promise<PaidOutcome> {
    return settle(owner, async (tx): Promise<PaidOutcome> => {
      const repo = ordersRepository(tx);
      const order = await repo.findById(input.orderId);
      if (!order) return { result: "not_found", publish: noop };
      if (input.amount !== undefined && input.currency !== undefined) {
        const reason = paymentMismatch(order, { amount: input.amount, currency: input.currency });
        if (reason) {
          await repo.flag(order.id, reason);
          return { result: "mismatch", order, reason, publish: noop };
        }
      }
      const now = clock.now();
      const paidAt = input.paidAt ?? now;
      const paid = await repo.transition(
        order.id,
        "paid",
        { provider: input.provider, providerReference: input.reference, paidAt: now },
        gt(orders.expiresAt, paidAt),
      );
      if (!paid) {
        const current = (await repo.findById(order.id))!;
        const repeat =
          current.status === "paid" &&
          current.provider === input.provider &&
          current.providerReference === input.reference;
        if (repeat) return { result: "already_paid", order: current, publish: noop };
        // Money a provider took for an order that can no longer be paid has to go back by hand.
        if (input.provider !== "manual") {
          await repo.flag(
            current.id,
            `${input.provider} payment ${input.reference} for a ${current.status} order`,
          );
        }
        return { result: "not_payable", order: current, publish: noop };
      }
      // Read through the transaction: on PGlite a query on the pool would wait for this very transaction.
      const [tier] = await tx
        .select({ id: catalogTiers.id, level: catalogTiers.level })
        .from(catalogTiers)
        .where(eq(catalogTiers.id, paid.tierId));
      if (!tier) throw new Error(`order ${paid.id} names tier ${paid.tierId}, which does not exist`);
      const entitlement = await deps.entitlements.grantPeriod(tx, {
        userId: paid.userId,
        tier,
        days: entitlementDays(paid.months),
        source: { orderId: paid.id },
      });
      for (const hook of paidHooks) await hook(tx, paid);
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
      return {
        result: "paid",
        order: paid,
        entitlement,
        publish: once(() => {
          deps.ordersTotal.inc({ status: "paid" });
          events.emit("orders.paid", { orderId: paid.id, userId: paid.userId });
          events.emit("entitlements.changed", { userId: paid.userId });
        }),
      };
    });
  }

  async function markOrderRefunded(owner: Executor, input: MarkRefundedInput): Promise<RefundOutcome> {
    return settle(owner, async (tx): Promise<RefundOutcome> => {
      const repo = ordersRepository(tx);
      const now = clock.now();
      const refunded = await repo.transition(input.orderId, "refunded", { refundedAt: now });
      if (!refunded) {
        const current = await repo.findById(input.orderId);
        if (!current) return { result: "not_found", publish: noop };
        const result = current.status === "refunded" ? "already_refunded" : "not_refundable";
        return { result, order: current, publish: noop };
      }
      const by = input.actor?.id ?? `${input.provider}:${input.reference}`;
      const revoked = await deps.entitlements.revokeForOrder(tx, refunded.id, by);
      for (const hook of refundedHooks) await hook(tx, refunded);
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
      return {
        result: "refunded",
        order: refunded,
        revoked,
        publish: once(() => {
          deps.ordersTotal.inc({ status: "refunded" });
          events.emit("orders.refunded", { orderId: refunded.id, userId: refunded.userId });
          events.emit("entitlements.changed", { userId: refunded.userId });
        }),
      };
    });
  }

  return {
    markOrderPaid,
    markOrderRefunded,
    onOrderPaid(hook: OrderPaidHook): void {
      paidHooks.push(hook);
    },
    onOrderRefunded(hook: OrderRefundedHook): void {
      refundedHooks.push(hook);
    },
  };
}
