import { and, desc, eq, gt, isNull, max, or, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import type { Events } from "../../shared/events";
import { newId } from "../../shared/ids";
import { enqueue } from "../../shared/outbox/outbox";
import { type UnitOfWork, withTransaction } from "../../shared/unit-of-work";
import { catalogTiers } from "../catalog/catalog.table";
import type { EntitlementsService } from "../entitlements/entitlements.service";
import { entitlements } from "../entitlements/entitlements.table";
import { ORDER_TTL_MS } from "../orders/orders.models";
import { ordersRepository } from "../orders/orders.repository";
import type { OrdersService } from "../orders/orders.service";
import { type OrderRow, orders } from "../orders/orders.table";
import { PaymentErrors } from "../payments/payments.errors";
import { SubscriptionErrors } from "./subscriptions.errors";
import {
  fromStripeStatus,
  GRACE_DAYS,
  STARS_LAPSE_MS,
  type SubscriptionStatus,
  statusOf,
} from "./subscriptions.models";
import {
  type SubscriptionProvider,
  type SubscriptionRow,
  subscriptionPayments,
  subscriptions,
} from "./subscriptions.table";

export type SubscriptionsService = ReturnType<typeof createSubscriptionsService>;

/** What the payment provider reported about one payment of a subscription. */
export interface SubscriptionPaymentInput {
  provider: SubscriptionProvider;
  /** Stripe's `sub_…`; for Stars the charge id of the subscription's first payment when known. */
  providerSubscriptionId: string | undefined;
  /** Our order the subscription was bought with (Stripe metadata, the Stars invoice payload). */
  orderId: string | undefined;
  /** The payment's own id: Stripe invoice id, Telegram charge id. Each applies once. */
  reference: string;
  /** The subscription's first payment (pays the order it was bought with) or a renewal. */
  first: boolean;
  amount: number;
  currency: string;
  paidAt: Date;
  customerId?: string;
  /** When the provider's paid period ends (Telegram's `subscription_expiration_date`). */
  periodEnd?: Date;
}

export type PaymentOutcome =
  | { result: "paid" | "renewed"; orderId: string; subscriptionId: string }
  | { result: "duplicate"; orderId: string; subscriptionId: string }
  | { result: "flagged"; orderId: string; reason: string; subscriptionId: string }
  | { result: "not_payable"; orderId: string; subscriptionId: string }
  | { result: "unknown_subscription" };

/** Providers' calls the service makes for cancel, resume and the card portal. */
export interface SubscriptionGateways {
  stripe?: {
    setCancelAtPeriodEnd(subscriptionId: string, cancel: boolean): Promise<void>;
    createPortalSession(customerId: string, returnUrl: string): Promise<{ url: string }>;
  };
  stars?: {
    /** Bot API editUserStarSubscription. */
    editSubscription(userTelegramId: number, chargeId: string, isCanceled: boolean): Promise<void>;
  };
}

export interface SubscriptionView {
  id: string;
  tierId: string;
  months: number;
  provider: SubscriptionProvider;
  status: SubscriptionStatus;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
  amountMinor: number;
  currency: string;
  createdAt: string;
}

/**
 * Auto-renewing plans (API.md §13): created by the payment of their first order; each renewal
 * payment becomes a paid order of its own through the orders module's one paid path (access,
 * commission within the 12-month window, the buyer's message); a failed renewal gives a 3-day
 * grace once per invoice. Every change to one subscription holds its row lock, and a payment id
 * is claimed once by a primary key, so concurrent or repeated deliveries apply once.
 */
export function createSubscriptionsService(deps: {
  db: Executor;
  clock: Clock;
  events: Events;
  orders: Pick<OrdersService, "markOrderPaid">;
  entitlements: Pick<EntitlementsService, "grantPeriod" | "revokeByReference">;
  users: { telegramIdOf(userId: string): Promise<number | undefined> };
  gateways: SubscriptionGateways;
  /** Where the card portal sends the customer back. */
  portalReturnUrl: () => string;
  logger: Pick<Logger, "info" | "warn">;
}) {
  const { db, clock, logger } = deps;

  async function lockByProviderId(tx: Executor, provider: SubscriptionProvider, id: string) {
    const [row] = await tx
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.provider, provider), eq(subscriptions.providerSubscriptionId, id)))
      .for("update");
    return row;
  }

  async function lockByOrder(tx: Executor, orderId: string) {
    const [row] = await tx
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.orderId, orderId))
      .for("update");
    return row;
  }

  /**
   * The subscription a payment belongs to, locked; created from its order when this is the
   * first event about it (a renewal or the first invoice may arrive before the checkout's
   * completion). Undefined when neither the provider's id nor an auto-renew order knows it.
   */
  async function findOrCreate(
    tx: Executor,
    p: Pick<
      SubscriptionPaymentInput,
      "provider" | "providerSubscriptionId" | "orderId" | "reference" | "customerId"
    >,
  ): Promise<SubscriptionRow | undefined> {
    const byProvider = p.providerSubscriptionId
      ? await lockByProviderId(tx, p.provider, p.providerSubscriptionId)
      : undefined;
    if (byProvider) return byProvider;
    if (!p.orderId) return undefined;
    // An order has one subscription: a payment from the other provider for it (a Stars payment
    // racing the card checkout of the same order) belongs to none, and is held, never merged in.
    const sameProvider = (row: SubscriptionRow | undefined) =>
      row?.provider === p.provider ? row : undefined;
    const existing = await lockByOrder(tx, p.orderId);
    if (existing) return sameProvider(existing);
    const order = await ordersRepository(tx).findById(p.orderId);
    if (order?.renewal !== "auto") return undefined;
    const now = clock.now();
    await tx
      .insert(subscriptions)
      .values({
        id: newId("sub", now.getTime()),
        userId: order.userId,
        tierId: order.tierId,
        months: order.months,
        provider: p.provider,
        providerSubscriptionId: p.providerSubscriptionId ?? p.reference,
        providerCustomerId: p.customerId ?? null,
        orderId: order.id,
        amountMinor: order.totalMinor,
        currency: order.currency,
        createdAt: now,
      })
      .onConflictDoNothing();
    return sameProvider(await lockByOrder(tx, order.id));
  }

  /** A renewal's own order: the subscription's locked price, paid at once by the caller. */
  async function insertRenewalOrder(tx: Executor, sub: SubscriptionRow, id: string): Promise<OrderRow> {
    const first = (await ordersRepository(tx).findById(sub.orderId))!;
    const now = clock.now();
    return ordersRepository(tx).insert({
      id,
      userId: sub.userId,
      tierId: sub.tierId,
      months: sub.months,
      region: first.region,
      status: "pending",
      quote: first.quote,
      totalMinor: sub.amountMinor,
      currency: sub.currency,
      fxRate: first.fxRate,
      starsAmount: first.starsAmount,
      renewal: "auto",
      subscriptionId: sub.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ORDER_TTL_MS),
    });
  }

  /**
   * Applies one payment of a subscription, inside the caller's unit of work (the webhook's).
   * The first payment pays the order the subscription was bought with; a renewal gets its own
   * order. A grace given for this same invoice is withdrawn: the paid period replaces it.
   */
  async function recordPayment(uow: UnitOfWork, p: SubscriptionPaymentInput): Promise<PaymentOutcome> {
    const { tx } = uow;
    const sub = await findOrCreate(tx, p);
    if (!sub) return { result: "unknown_subscription" };
    const first = p.first;
    const orderId = first ? sub.orderId : newId("ord", clock.now().getTime());
    const [claimed] = await tx
      .insert(subscriptionPayments)
      .values({
        provider: p.provider,
        reference: p.reference,
        subscriptionId: sub.id,
        orderId,
        kind: first ? "first" : "renewal",
        amountMinor: p.amount,
        currency: p.currency,
        paidAt: p.paidAt,
      })
      .onConflictDoNothing()
      .returning();
    if (!claimed) {
      const [earlier] = await tx
        .select()
        .from(subscriptionPayments)
        .where(
          and(eq(subscriptionPayments.provider, p.provider), eq(subscriptionPayments.reference, p.reference)),
        );
      return { result: "duplicate", orderId: earlier!.orderId, subscriptionId: sub.id };
    }
    if (!first) {
      await deps.entitlements.revokeByReference(uow, graceReference(p.reference), `paid:${p.reference}`);
      await insertRenewalOrder(tx, sub, orderId);
    }
    const outcome = await deps.orders.markOrderPaid(
      {
        orderId,
        provider: p.provider,
        reference: p.reference,
        amount: p.amount,
        currency: p.currency,
        paidAt: p.paidAt,
      },
      uow,
    );
    // The row is locked: the later of the two period ends stays, whatever order payments came in.
    const periodEnd =
      p.periodEnd && (!sub.providerPeriodEnd || sub.providerPeriodEnd.getTime() < p.periodEnd.getTime())
        ? p.periodEnd
        : sub.providerPeriodEnd;
    await tx
      .update(subscriptions)
      .set({
        pastDueSince: null,
        providerCustomerId: sub.providerCustomerId ?? p.customerId ?? null,
        providerPeriodEnd: periodEnd,
        // A Stars subscription made by a renewal that came first learns its first charge id now.
        ...(first && p.provider === "stars" ? { providerSubscriptionId: p.reference } : {}),
      })
      .where(eq(subscriptions.id, sub.id));
    if (outcome.result === "mismatch")
      return { result: "flagged", orderId, reason: outcome.reason, subscriptionId: sub.id };
    if (outcome.result === "paid" || outcome.result === "already_paid") {
      return { result: first ? "paid" : "renewed", orderId, subscriptionId: sub.id };
    }
    return { result: "not_payable", orderId, subscriptionId: sub.id };
  }

  const graceReference = (invoice: string) => `grace:${invoice}`;

  /**
   * A renewal payment failed: the subscription is past due, and the plan is extended by a grace
   * of 3 days once per invoice (Stripe retries send this event again). The user is told once,
   * through the outbox written in this transaction, with a way to fix the card.
   */
  async function recordPaymentFailed(
    uow: UnitOfWork,
    p: { provider: SubscriptionProvider; providerSubscriptionId: string; reference: string; at: Date },
  ): Promise<{
    result: "past_due" | "already_past_due" | "unknown_subscription" | "ended";
    subscriptionId?: string;
  }> {
    const { tx } = uow;
    const sub = await lockByProviderId(tx, p.provider, p.providerSubscriptionId);
    if (!sub) return { result: "unknown_subscription" };
    if (sub.endedAt) return { result: "ended", subscriptionId: sub.id };
    const reference = graceReference(p.reference);
    const [paid] = await tx
      .select({ reference: subscriptionPayments.reference })
      .from(subscriptionPayments)
      .where(
        and(eq(subscriptionPayments.provider, p.provider), eq(subscriptionPayments.reference, p.reference)),
      );
    const [graced] = await tx
      .select({ id: entitlements.id })
      .from(entitlements)
      .where(eq(entitlements.reference, reference));
    // A failure reported after the invoice was paid (events out of order) changes nothing.
    if (paid || graced) return { result: "already_past_due", subscriptionId: sub.id };
    await tx
      .update(subscriptions)
      .set({ pastDueSince: sub.pastDueSince ?? p.at })
      .where(eq(subscriptions.id, sub.id));
    const [tier] = await tx
      .select({ id: catalogTiers.id, level: catalogTiers.level })
      .from(catalogTiers)
      .where(eq(catalogTiers.id, sub.tierId));
    const grace = await deps.entitlements.grantPeriod(uow, {
      userId: sub.userId,
      tier: tier!,
      days: GRACE_DAYS,
      // Named after the subscription, so its current period end can count the grace.
      source: { kind: "grace", reference, grantedBy: `subscription:${sub.id}` },
    });
    await enqueue(
      tx,
      "subscriptions.past_due",
      {
        subscriptionId: sub.id,
        userId: sub.userId,
        provider: sub.provider,
        level: tier!.level,
        graceUntil: grace.expiresAt.toISOString(),
      },
      clock.now(),
    );
    return { result: "past_due", subscriptionId: sub.id };
  }

  /** Stripe's `customer.subscription.updated|deleted`: the state Stripe holds, applied unless older. */
  async function recordProviderState(
    uow: UnitOfWork,
    p: {
      provider: SubscriptionProvider;
      providerSubscriptionId: string;
      orderId: string | undefined;
      status: string;
      cancelAtPeriodEnd: boolean;
      deleted: boolean;
      customerId?: string;
      at: Date;
    },
  ): Promise<{ result: "updated" | "ended" | "stale" | "unknown_subscription"; subscriptionId?: string }> {
    const { tx } = uow;
    const sub = await findOrCreate(tx, { ...p, reference: p.providerSubscriptionId });
    if (!sub) return { result: "unknown_subscription" };
    if (p.deleted) {
      await tx
        .update(subscriptions)
        .set({ endedAt: sub.endedAt ?? p.at, providerUpdatedAt: p.at })
        .where(eq(subscriptions.id, sub.id));
      return { result: "ended", subscriptionId: sub.id };
    }
    if (sub.endedAt || (sub.providerUpdatedAt && sub.providerUpdatedAt.getTime() > p.at.getTime())) {
      return { result: "stale", subscriptionId: sub.id };
    }
    const state = fromStripeStatus(p.status, p.cancelAtPeriodEnd);
    await tx
      .update(subscriptions)
      .set({
        cancelAtPeriodEnd: state.cancelAtPeriodEnd,
        providerUpdatedAt: p.at,
        providerCustomerId: sub.providerCustomerId ?? p.customerId ?? null,
        ...(state.ended ? { endedAt: p.at } : {}),
        ...(state.pastDue === false ? { pastDueSince: null } : {}),
        ...(state.pastDue === true ? { pastDueSince: sub.pastDueSince ?? p.at } : {}),
      })
      .where(eq(subscriptions.id, sub.id));
    return { result: state.ended ? "ended" : "updated", subscriptionId: sub.id };
  }

  /** When each subscription's paid (or grace) time runs out: the end of its orders' periods. */
  async function periodEnds(rows: SubscriptionRow[], executor: Executor = db): Promise<Map<string, Date>> {
    const ends = new Map<string, Date>();
    for (const row of rows) {
      const [found] = await executor
        .select({ end: max(entitlements.expiresAt) })
        .from(entitlements)
        .innerJoin(orders, eq(orders.id, entitlements.orderId))
        .where(
          and(
            isNull(entitlements.revokedAt),
            or(eq(orders.id, row.orderId), eq(orders.subscriptionId, row.id)),
          ),
        );
      const [grace] = await executor
        .select({ end: max(entitlements.expiresAt) })
        .from(entitlements)
        .where(
          and(
            isNull(entitlements.revokedAt),
            eq(entitlements.sourceKind, "grace"),
            eq(entitlements.grantedBy, `subscription:${row.id}`),
          ),
        );
      const end = [found?.end, grace?.end].filter((d): d is Date => d instanceof Date);
      if (end.length > 0) ends.set(row.id, new Date(Math.max(...end.map((d) => d.getTime()))));
    }
    return ends;
  }

  function view(row: SubscriptionRow, paidUntil: Date | undefined): SubscriptionView {
    // Telegram names the end of a Star subscription's period (its next charge); Stripe's is our paid time.
    const end = row.providerPeriodEnd ?? paidUntil;
    return {
      id: row.id,
      tierId: row.tierId,
      months: row.months,
      provider: row.provider,
      status: statusOf(row, clock.now()),
      currentPeriodEnd: end ? end.toISOString() : null,
      cancelAtPeriodEnd: row.cancelAtPeriodEnd,
      amountMinor: row.amountMinor,
      currency: row.currency,
      createdAt: row.createdAt.toISOString(),
    };
  }

  async function getOwn(userId: string, id: string): Promise<SubscriptionRow> {
    const [row] = await db
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.id, id), eq(subscriptions.userId, userId)));
    if (!row) throw SubscriptionErrors.notFound();
    return row;
  }

  async function viewOne(row: SubscriptionRow): Promise<SubscriptionView> {
    return view(row, (await periodEnds([row])).get(row.id));
  }

  /**
   * Cancel (at period end) or resume: the provider first, then our row. Stripe confirms with
   * `customer.subscription.updated`, which finds the same state; Telegram has no such event.
   */
  async function setCancel(userId: string, id: string, cancel: boolean): Promise<SubscriptionView> {
    const row = await getOwn(userId, id);
    if (statusOf(row, clock.now()) === "ended") throw SubscriptionErrors.ended();
    if (row.cancelAtPeriodEnd !== cancel) {
      if (row.provider === "stripe") {
        if (!deps.gateways.stripe) throw PaymentErrors.providerUnavailable("Stripe is not configured");
        await deps.gateways.stripe.setCancelAtPeriodEnd(row.providerSubscriptionId, cancel);
      } else {
        const telegramId = await deps.users.telegramIdOf(userId);
        if (!deps.gateways.stars || telegramId === undefined)
          throw PaymentErrors.providerUnavailable("The Telegram bot is not configured");
        await deps.gateways.stars.editSubscription(telegramId, row.providerSubscriptionId, cancel);
      }
    }
    const [updated] = await db
      .update(subscriptions)
      .set({ cancelAtPeriodEnd: cancel, providerUpdatedAt: clock.now() })
      .where(eq(subscriptions.id, row.id))
      .returning();
    logger.info(
      { subscriptionId: row.id, cancel },
      cancel ? "subscription cancelled at period end" : "subscription resumed",
    );
    return viewOne(updated!);
  }

  return {
    recordPayment,
    /** `recordPayment` in a unit of work of its own, for a caller without one (the bot's Stars payments). */
    recordPaymentNow: (p: SubscriptionPaymentInput) =>
      withTransaction({ db, events: deps.events }, (uow) => recordPayment(uow, p)),
    recordPaymentFailed,
    recordProviderState,
    getOwn,
    viewOne,
    async listOwn(userId: string): Promise<SubscriptionView[]> {
      const rows = await db
        .select()
        .from(subscriptions)
        .where(eq(subscriptions.userId, userId))
        .orderBy(desc(subscriptions.createdAt), desc(subscriptions.id));
      const ends = await periodEnds(rows);
      return rows.map((r) => view(r, ends.get(r.id)));
    },
    cancel: (userId: string, id: string) => setCancel(userId, id, true),
    resume: (userId: string, id: string) => setCancel(userId, id, false),

    /** A Stripe customer-portal session for the user's latest card subscription. */
    async billingPortal(userId: string): Promise<{ url: string }> {
      if (!deps.gateways.stripe) throw PaymentErrors.providerUnavailable("Stripe is not configured");
      const [row] = await db
        .select({ customer: subscriptions.providerCustomerId })
        .from(subscriptions)
        .where(
          and(
            eq(subscriptions.userId, userId),
            eq(subscriptions.provider, "stripe"),
            sql`${subscriptions.providerCustomerId} is not null`,
          ),
        )
        .orderBy(desc(subscriptions.createdAt))
        .limit(1);
      if (!row?.customer) throw SubscriptionErrors.noBillingAccount();
      return deps.gateways.stripe.createPortalSession(row.customer, deps.portalReturnUrl());
    },

    /**
     * User and tier pairs whose plan renews by itself (a live subscription not set to cancel):
     * the reminders for plans that end leave these alone.
     */
    async renewingPairs(executor: Executor = db): Promise<Set<string>> {
      const rows = await executor
        .select({ userId: subscriptions.userId, tierId: subscriptions.tierId })
        .from(subscriptions)
        .where(
          and(
            isNull(subscriptions.endedAt),
            eq(subscriptions.cancelAtPeriodEnd, false),
            // A Star subscription Telegram stopped renewing (see starsLapsed) renews nothing.
            or(
              isNull(subscriptions.providerPeriodEnd),
              gt(subscriptions.providerPeriodEnd, new Date(clock.now().getTime() - STARS_LAPSE_MS)),
            ),
          ),
        );
      return new Set(rows.map((r) => `${r.userId}:${r.tierId}`));
    },
  };
}
