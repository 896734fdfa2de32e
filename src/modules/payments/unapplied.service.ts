import { and, eq, lt, or } from "drizzle-orm";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import { newId } from "../../shared/ids";
import type { AuditService } from "../audit/audit.service";
import { type UnappliedPaymentRow, type UnappliedReason, unappliedPayments } from "./unapplied.table";

export type UnappliedPayments = ReturnType<typeof createUnappliedPayments>;

export interface HoldInput {
  provider: "stars";
  chargeId: string;
  providerChargeId: string | null;
  telegramUserId: number;
  userId: string | null;
  orderRef: string;
  amount: number;
  currency: string;
  reason: UnappliedReason;
  detail: string;
}

export type UnappliedRefundOutcome =
  | { result: "refunded"; payment: UnappliedPaymentRow }
  | { result: "already_refunded"; payment: UnappliedPaymentRow }
  | { result: "in_progress"; payment: UnappliedPaymentRow }
  | { result: "failed"; payment: UnappliedPaymentRow; error: string }
  | { result: "not_found" };

/** A refund call still "in flight" after this long belongs to a process that died: it may be taken again. */
export const REFUND_CLAIM_MS = 60_000;

/**
 * Payments no order could take, held with their charge id until an operator refunds them. Holding
 * is once per charge (unique key); a refund is claimed by a conditional update before the
 * provider is called, so two taps (or two admins) make one refund call.
 */
export function createUnappliedPayments(deps: {
  db: Executor;
  clock: Clock;
  audit: Pick<AuditService, "record">;
}) {
  const { db, clock } = deps;

  async function find(id: string): Promise<UnappliedPaymentRow | undefined> {
    const [row] = await db.select().from(unappliedPayments).where(eq(unappliedPayments.id, id));
    return row;
  }

  return {
    find,

    /**
     * Keeps the payment; the first report of a charge also calls `announce` in the same
     * transaction (the admins' alerts are queued with the row, or neither is).
     */
    async hold(
      input: HoldInput,
      announce: (tx: Executor, payment: UnappliedPaymentRow) => Promise<unknown>,
    ): Promise<{ payment: UnappliedPaymentRow; first: boolean }> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(unappliedPayments)
          .values({ id: newId("upay", now.getTime()), ...input, receivedAt: now })
          .onConflictDoNothing()
          .returning();
        if (inserted) {
          await announce(tx, inserted);
          return { payment: inserted, first: true };
        }
        const [existing] = await tx
          .select()
          .from(unappliedPayments)
          .where(
            and(
              eq(unappliedPayments.provider, input.provider),
              eq(unappliedPayments.chargeId, input.chargeId),
            ),
          );
        return { payment: existing!, first: false };
      });
    },

    /**
     * Gives the money back through `call` (the provider's refund), once. `call` resolves when
     * the provider has refunded (or says it already had); a throw puts the payment back on hold.
     */
    async refund(
      id: string,
      actor: { id: string },
      call: (payment: UnappliedPaymentRow) => Promise<void>,
    ): Promise<UnappliedRefundOutcome> {
      const now = clock.now();
      const [claimed] = await db
        .update(unappliedPayments)
        .set({ status: "refunding", claimedAt: now })
        .where(
          and(
            eq(unappliedPayments.id, id),
            or(
              eq(unappliedPayments.status, "held"),
              and(
                eq(unappliedPayments.status, "refunding"),
                lt(unappliedPayments.claimedAt, new Date(now.getTime() - REFUND_CLAIM_MS)),
              ),
            ),
          ),
        )
        .returning();
      if (!claimed) {
        const current = await find(id);
        if (!current) return { result: "not_found" };
        return {
          result: current.status === "refunded" ? "already_refunded" : "in_progress",
          payment: current,
        };
      }
      try {
        await call(claimed);
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        const [back] = await db
          .update(unappliedPayments)
          .set({ status: "held", claimedAt: null, lastError: error.slice(0, 500) })
          .where(and(eq(unappliedPayments.id, id), eq(unappliedPayments.status, "refunding")))
          .returning();
        return { result: "failed", payment: back ?? claimed, error };
      }
      return db.transaction(async (tx) => {
        const [refunded] = await tx
          .update(unappliedPayments)
          .set({ status: "refunded", refundedAt: clock.now(), refundedBy: actor.id, lastError: null })
          .where(eq(unappliedPayments.id, id))
          .returning();
        await deps.audit.record(
          {
            actorId: actor.id,
            actorKind: "admin",
            action: "payments.unapplied_refunded",
            subjectType: "unapplied_payment",
            subjectId: id,
            data: {
              provider: claimed.provider,
              chargeId: claimed.chargeId,
              amount: claimed.amount,
              currency: claimed.currency,
              orderRef: claimed.orderRef,
            },
          },
          tx,
        );
        return { result: "refunded" as const, payment: refunded! };
      });
    },
  };
}
