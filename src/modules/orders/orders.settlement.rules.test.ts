import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";
import { outbox } from "../../shared/outbox/outbox.table";
import { withTransaction } from "../../shared/unit-of-work";
import { auditLog } from "../audit/audit.table";
import { entitlements } from "../entitlements/entitlements.table";
import { ORDER_TTL_MS } from "./orders.models";
import { createSettlement } from "./orders.settlement";

// Settlement rules mutation testing found unpinned (issue 20): what a payment and a refund
// record, announce, audit and count, and how repeats and late webhooks are told apart.

describe("settling payments and refunds", () => {
  const ctx = useTestApp();

  /** A settlement over the test app, counting orders_total increments in `counted`. */
  function settlement() {
    const { deps, clock } = ctx();
    const counted: string[] = [];
    const service = createSettlement({
      db: deps.db,
      clock,
      entitlements: deps.entitlements,
      audit: deps.audit,
      events: deps.events,
      ordersTotal: { inc: (labels) => void counted.push(String((labels as { status?: string }).status)) },
    });
    return { service, counted };
  }

  async function pendingOrder(months: 1 | 3 | 6 | 12 = 3) {
    const { deps } = ctx();
    await deps.catalog.seedDefaultCatalog();
    const tier = (await deps.catalog.view()).categories[0]!.products[0]!.tiers[0]!;
    const { user } = await createUser(deps);
    const order = await deps.orders.create({ id: user.id, region: null }, { tierId: tier.id, months });
    return { user, order, tier };
  }

  const outboxOf = async (topic: string) =>
    (await ctx().deps.db.select().from(outbox)).filter((m) => m.topic === topic);
  const auditsOf = (orderId: string) =>
    ctx().deps.db.select().from(auditLog).where(eq(auditLog.subjectId, orderId));

  it("a late webhook records when the buyer paid, and access starts when it is processed", async () => {
    const { service } = settlement();
    const { user, order } = await pendingOrder();
    const paidAt = new Date(ctx().clock.now().getTime() + 60_000);
    ctx().clock.advance(2 * ORDER_TTL_MS);
    const processedAt = ctx().clock.now();
    const outcome = await service.markOrderPaid({
      orderId: order.id,
      provider: "stripe",
      reference: "pi_1",
      paidAt,
    });
    expect(outcome).toMatchObject({ result: "paid", order: { status: "paid", paidAt, provider: "stripe" } });
    const [period] = await ctx().deps.entitlements.periodsOf(user.id);
    expect(period!.startsAt).toEqual(processedAt);
  });

  it("queues the paid message with the order, the tier, the period and the provider", async () => {
    const { service } = settlement();
    const { user, order, tier } = await pendingOrder(3);
    const outcome = await service.markOrderPaid({ orderId: order.id, provider: "stars", reference: "ch_1" });
    if (outcome.result !== "paid") throw new Error(outcome.result);
    const [message] = await outboxOf("orders.paid");
    expect(message!.payload).toEqual({
      orderId: order.id,
      userId: user.id,
      tierId: tier.id,
      level: tier.level,
      months: 3,
      totalMinor: order.totalMinor,
      currency: order.currency,
      provider: "stars",
      entitlementId: outcome.entitlement.id,
      renewal: "none",
      subscriptionId: null,
      startsAt: outcome.entitlement.startsAt.toISOString(),
      expiresAt: outcome.entitlement.expiresAt.toISOString(),
    });
    expect(message!.createdAt).toEqual(ctx().clock.now());
  });

  it("audits a payment marked by an admin, with who, how and what it granted; a provider's is not audited", async () => {
    const { service } = settlement();
    const byAdmin = await pendingOrder();
    const outcome = await service.markOrderPaid({
      orderId: byAdmin.order.id,
      provider: "manual",
      reference: "bank-7",
      actor: { id: "usr_admin" },
    });
    if (outcome.result !== "paid") throw new Error(outcome.result);
    expect(await auditsOf(byAdmin.order.id)).toMatchObject([
      {
        actorId: "usr_admin",
        actorKind: "admin",
        action: "orders.marked_paid",
        subjectType: "order",
        data: { provider: "manual", reference: "bank-7", entitlementId: outcome.entitlement.id },
      },
    ]);
    const byStripe = await pendingOrder();
    await service.markOrderPaid({ orderId: byStripe.order.id, provider: "stripe", reference: "pi_2" });
    expect(await auditsOf(byStripe.order.id)).toEqual([]);
  });

  it("counts a payment and a refund in orders_total only once their transaction commits", async () => {
    const { service, counted } = settlement();
    const { order } = await pendingOrder();
    await withTransaction(ctx().deps, async (uow) => {
      await service.markOrderPaid({ orderId: order.id, provider: "manual", reference: "r" }, uow);
      expect(counted).toEqual([]);
    });
    expect(counted).toEqual(["paid"]);
    await service.markOrderRefunded({ orderId: order.id, provider: "manual", reference: "r" });
    expect(counted).toEqual(["paid", "refunded"]);
  });

  it("tells a repeat of the same payment from another payment for an order already paid", async () => {
    const { service, counted } = settlement();
    const { order } = await pendingOrder();
    await service.markOrderPaid({ orderId: order.id, provider: "stripe", reference: "pi_1" });
    const repeat = await service.markOrderPaid({ orderId: order.id, provider: "stripe", reference: "pi_1" });
    expect(repeat).toMatchObject({ result: "already_paid", order: { id: order.id, status: "paid" } });
    expect((await ctx().deps.orders.findById(order.id))!.flaggedReason).toBeNull();

    const sameRefOtherProvider = await service.markOrderPaid({
      orderId: order.id,
      provider: "stars",
      reference: "pi_1",
    });
    expect(sameRefOtherProvider.result).toBe("not_payable");
    const other = await service.markOrderPaid({ orderId: order.id, provider: "stripe", reference: "pi_2" });
    expect(other).toMatchObject({ result: "not_payable", order: { status: "paid" } });
    expect((await ctx().deps.orders.findById(order.id))!.flaggedReason).toBe(
      "stripe payment pi_2 for a paid order",
    );
    expect(counted).toEqual(["paid"]);
  });

  it("an admin's payment too late for the order is refused without a refund flag (no money moved)", async () => {
    const { service } = settlement();
    const { order } = await pendingOrder();
    ctx().clock.advance(ORDER_TTL_MS);
    const outcome = await service.markOrderPaid({ orderId: order.id, provider: "manual", reference: "r" });
    expect(outcome.result).toBe("not_payable");
    expect((await ctx().deps.orders.findById(order.id))!.flaggedReason).toBeNull();
  });

  it("checks the amount only when the provider says both amount and currency", async () => {
    const { service } = settlement();
    const { order } = await pendingOrder();
    const amountOnly = await service.markOrderPaid({
      orderId: order.id,
      provider: "stripe",
      reference: "pi_1",
      amount: 1,
    });
    expect(amountOnly.result).toBe("paid");
    const currencyOnly = await pendingOrder();
    const withCurrency = await service.markOrderPaid({
      orderId: currencyOnly.order.id,
      provider: "stripe",
      reference: "pi_3",
      currency: "JPY",
    });
    expect(withCurrency.result).toBe("paid");
    const second = await pendingOrder();
    const mismatch = await service.markOrderPaid({
      orderId: second.order.id,
      provider: "stripe",
      reference: "pi_2",
      amount: second.order.totalMinor + 1,
      currency: second.order.currency,
    });
    expect(mismatch).toMatchObject({
      result: "mismatch",
      reason: `amount ${second.order.totalMinor + 1} instead of ${second.order.totalMinor} ${second.order.currency}`,
    });
    expect((await ctx().deps.orders.findById(second.order.id))!).toMatchObject({
      status: "pending",
      flaggedReason: mismatch.result === "mismatch" ? mismatch.reason : "",
    });
  });

  it("a refund revokes the period in the name of who refunded, queues its message and audits an admin's", async () => {
    const { service } = settlement();
    const { user, order, tier } = await pendingOrder();
    const paid = await service.markOrderPaid({ orderId: order.id, provider: "stripe", reference: "pi_1" });
    if (paid.result !== "paid") throw new Error(paid.result);
    ctx().clock.advance(60_000);
    const outcome = await service.markOrderRefunded({
      orderId: order.id,
      provider: "stripe",
      reference: "re_1",
    });
    expect(outcome).toMatchObject({
      result: "refunded",
      order: { status: "refunded", refundedAt: ctx().clock.now() },
      revoked: { id: paid.entitlement.id },
    });
    expect((await ctx().deps.orders.findById(order.id))!.refundedAt).toEqual(ctx().clock.now());
    const [period] = await ctx().deps.db.select().from(entitlements).where(eq(entitlements.userId, user.id));
    expect(period).toMatchObject({ revokedBy: "stripe:re_1" });
    const [message] = await outboxOf("orders.refunded");
    expect(message!.payload).toEqual({
      orderId: order.id,
      userId: user.id,
      tierId: tier.id,
      provider: "stripe",
      reference: "re_1",
      entitlementId: paid.entitlement.id,
    });
    expect(await auditsOf(order.id)).toEqual([]);

    const byAdmin = await pendingOrder();
    await service.markOrderPaid({ orderId: byAdmin.order.id, provider: "manual", reference: "bank-1" });
    await service.markOrderRefunded({
      orderId: byAdmin.order.id,
      provider: "manual",
      reference: "bank-1-back",
      actor: { id: "usr_admin" },
    });
    const [revoked] = await ctx()
      .deps.db.select()
      .from(entitlements)
      .where(eq(entitlements.userId, byAdmin.user.id));
    expect(revoked!.revokedBy).toBe("usr_admin");
    expect(await auditsOf(byAdmin.order.id)).toMatchObject([
      {
        actorId: "usr_admin",
        actorKind: "admin",
        action: "orders.refunded",
        subjectType: "order",
        data: { provider: "manual", reference: "bank-1-back" },
      },
    ]);
  });

  it("a payment dated ahead of our clock (the provider's clock runs fast) is recorded as paid now", async () => {
    const { service } = settlement();
    const { order } = await pendingOrder();
    const now = ctx().clock.now();
    const outcome = await service.markOrderPaid({
      orderId: order.id,
      provider: "stripe",
      reference: "pi_1",
      paidAt: new Date(now.getTime() + 5 * 60_000),
    });
    expect(outcome).toMatchObject({ result: "paid", order: { paidAt: now } });
  });

  it("the refunded payment arriving again is not a repeat: the order stays refunded and is flagged", async () => {
    const { service, counted } = settlement();
    const { order } = await pendingOrder();
    await service.markOrderPaid({ orderId: order.id, provider: "stripe", reference: "pi_1" });
    await service.markOrderRefunded({ orderId: order.id, provider: "stripe", reference: "re_1" });
    const again = await service.markOrderPaid({ orderId: order.id, provider: "stripe", reference: "pi_1" });
    expect(again).toMatchObject({ result: "not_payable", order: { status: "refunded" } });
    expect((await ctx().deps.orders.findById(order.id))!.flaggedReason).toBe(
      "stripe payment pi_1 for a refunded order",
    );
    expect(counted).toEqual(["paid", "refunded"]);
  });

  it("refunding an order whose period an admin already revoked revokes nothing and says so", async () => {
    const { service } = settlement();
    const { order } = await pendingOrder();
    const paid = await service.markOrderPaid({ orderId: order.id, provider: "stripe", reference: "pi_1" });
    if (paid.result !== "paid") throw new Error(paid.result);
    await ctx().deps.entitlements.adminRevoke({ id: "usr_admin" }, paid.entitlement.id);
    const outcome = await service.markOrderRefunded({
      orderId: order.id,
      provider: "stripe",
      reference: "re_1",
    });
    expect(outcome).toMatchObject({ result: "refunded", revoked: undefined });
    const [message] = await outboxOf("orders.refunded");
    expect(message!.payload).toMatchObject({ orderId: order.id, entitlementId: null });
  });

  it("refunding an unknown order answers not_found", async () => {
    const { service, counted } = settlement();
    expect(
      await service.markOrderRefunded({ orderId: "ord_unknown", provider: "manual", reference: "r" }),
    ).toEqual({
      result: "not_found",
    });
    expect(counted).toEqual([]);
  });
});
