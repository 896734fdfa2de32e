import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";
import { outbox } from "../../shared/outbox/outbox.table";
import { withTransaction } from "../../shared/unit-of-work";
import { ORDER_TTL_MS } from "./orders.models";
import { orders } from "./orders.table";

describe("paid means granted", () => {
  const ctx = useTestApp();

  async function pendingOrder(months: 1 | 3 | 6 | 12 = 1) {
    const { deps } = ctx();
    await deps.catalog.seedDefaultCatalog();
    const tier = (await deps.catalog.view()).categories[0]!.products[0]!.tiers[0]!;
    const { user } = await createUser(deps);
    const order = await deps.orders.create({ id: user.id, region: null }, { tierId: tier.id, months });
    return { user, order };
  }

  const outboxRows = () => ctx().deps.db.select().from(outbox);
  const periods = (userId: string) => ctx().deps.entitlements.periodsOf(userId);

  it("marks the order paid, grants months × 30 days and queues the notification, all at once", async () => {
    const { user, order } = await pendingOrder(6);
    const outcome = await ctx().deps.orders.markOrderPaid({
      orderId: order.id,
      provider: "stripe",
      reference: "pi_1",
      amount: order.totalMinor,
      currency: order.currency.toLowerCase(),
    });
    expect(outcome.result).toBe("paid");
    const [period] = await periods(user.id);
    expect(period).toMatchObject({ orderId: order.id, tierId: order.tierId });
    expect(period!.expiresAt.getTime() - period!.startsAt.getTime()).toBe(180 * 86_400_000);
    const [message] = await outboxRows();
    expect(message).toMatchObject({ topic: "orders.paid", sentAt: null, attempts: 0 });
    expect(message!.payload).toMatchObject({ orderId: order.id, userId: user.id, entitlementId: period!.id });
  });

  it("runs every in-transaction orders.paid reaction inside the payment transaction with the paid order", async () => {
    const { order } = await pendingOrder();
    const seen: { status: string; inTx: boolean }[] = [];
    ctx().deps.events.inTransaction("orders.paid", async ({ order: paid }, { tx }) => {
      // Through the transaction it was given, the hook already sees the order as paid.
      const [row] = await tx.select({ status: orders.status }).from(orders).where(eq(orders.id, paid.id));
      seen.push({ status: paid.status, inTx: row?.status === "paid" });
    });
    await ctx().deps.orders.markOrderPaid({
      orderId: order.id,
      provider: "manual",
      reference: "r",
    });
    expect(seen).toEqual([{ status: "paid", inTx: true }]);
  });

  it("rolls the whole payment back when a reaction fails: still pending, nothing granted, nothing queued", async () => {
    const { user, order } = await pendingOrder();
    ctx().deps.events.inTransaction("orders.paid", async () => {
      throw new Error("commission ledger unavailable");
    });
    await expect(
      ctx().deps.orders.markOrderPaid({
        orderId: order.id,
        provider: "manual",
        reference: "r",
      }),
    ).rejects.toThrow("commission ledger unavailable");
    expect((await ctx().deps.orders.findById(order.id))!.status).toBe("pending");
    expect(await periods(user.id)).toEqual([]);
    expect(await outboxRows()).toEqual([]);
  });

  it("runs the after-commit reactions of orders.paid and entitlements.changed once, after the caller's commit", async () => {
    const { user, order } = await pendingOrder();
    const emitted: string[] = [];
    ctx().deps.events.afterCommit("orders.paid", (e) => {
      emitted.push(`paid:${e.order.id}`);
    });
    ctx().deps.events.afterCommit("entitlements.changed", (e) => {
      emitted.push(`changed:${e.userId}`);
    });
    const outcome = await withTransaction(ctx().deps, async (uow) => {
      const inner = await ctx().deps.orders.markOrderPaid(
        { orderId: order.id, provider: "manual", reference: "r" },
        uow,
      );
      await new Promise((r) => setTimeout(r, 5));
      expect(emitted).toEqual([]);
      return inner;
    });
    expect(outcome.result).toBe("paid");
    await new Promise((r) => setTimeout(r, 5));
    expect(emitted).toEqual([`changed:${user.id}`, `paid:${order.id}`]);
  });

  it("runs no after-commit reaction when the caller's transaction rolls back", async () => {
    const { user, order } = await pendingOrder();
    const emitted: string[] = [];
    ctx().deps.events.afterCommit("orders.paid", (e) => {
      emitted.push(`paid:${e.order.id}`);
    });
    await expect(
      withTransaction(ctx().deps, async (uow) => {
        await ctx().deps.orders.markOrderPaid({ orderId: order.id, provider: "manual", reference: "r" }, uow);
        throw new Error("the caller's next step failed");
      }),
    ).rejects.toThrow("the caller's next step failed");
    await new Promise((r) => setTimeout(r, 5));
    expect(emitted).toEqual([]);
    expect((await ctx().deps.orders.findById(order.id))!.status).toBe("pending");
    expect(await periods(user.id)).toEqual([]);
  });

  it("flags an amount or currency mismatch and does not pay", async () => {
    const { user, order } = await pendingOrder();
    const orders = ctx().deps.orders;
    const short = await orders.markOrderPaid({
      orderId: order.id,
      provider: "stripe",
      reference: "pi_short",
      amount: order.totalMinor - 1,
      currency: "gbp",
    });
    expect(short).toMatchObject({
      result: "mismatch",
      reason: `amount ${order.totalMinor - 1} instead of 2900 GBP`,
    });
    const euros = await orders.markOrderPaid({
      orderId: order.id,
      provider: "stripe",
      reference: "pi_eur",
      amount: order.totalMinor,
      currency: "eur",
    });
    expect(euros.result).toBe("mismatch");
    const row = (await orders.findById(order.id))!;
    expect(row.status).toBe("pending");
    expect(row.flaggedReason).toBe("currency EUR instead of GBP");
    expect(await periods(user.id)).toEqual([]);
  });

  it("pays inside the caller's transaction with nothing read outside it (a cold catalog cache)", async () => {
    const { user, order } = await pendingOrder();
    const { deps } = ctx();
    deps.catalog.invalidate();
    const outcome = await withTransaction(deps, (uow) =>
      deps.orders.markOrderPaid({ orderId: order.id, provider: "manual", reference: "r" }, uow),
    );
    expect(outcome.result).toBe("paid");
    expect(await periods(user.id)).toHaveLength(1);
  });

  it("answers not_found for an unknown order", async () => {
    const outcome = await ctx().deps.orders.markOrderPaid({
      orderId: "ord_NOPE",
      provider: "manual",
      reference: "r",
    });
    expect(outcome.result).toBe("not_found");
  });

  it("grants exactly once when twenty payments for one order race", async () => {
    const { user, order } = await pendingOrder();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ctx().deps.orders.markOrderPaid({
          orderId: order.id,
          provider: i % 2 ? "stripe" : "manual",
          reference: `ref-${i}`,
        }),
      ),
    );
    expect(outcomes.filter((o) => o.result === "paid")).toHaveLength(1);
    expect(outcomes.filter((o) => o.result === "not_payable")).toHaveLength(19);
    expect(await periods(user.id)).toHaveLength(1);
    expect(await outboxRows()).toHaveLength(1);
  });

  it("honours a provider payment taken before expiry even when it is recorded after", async () => {
    const { user, order } = await pendingOrder();
    const paidAt = new Date(order.expiresAt.getTime() - 60_000);
    ctx().clock.advance(ORDER_TTL_MS + 3_600_000);
    const late = await ctx().deps.orders.markOrderPaid({
      orderId: order.id,
      provider: "stripe",
      reference: "pi_late",
      paidAt,
    });
    expect(late.result).toBe("paid");
    expect(await periods(user.id)).toHaveLength(1);
  });

  it("refuses a payment taken after expiry and flags it for a manual refund", async () => {
    const { order } = await pendingOrder();
    ctx().clock.advance(ORDER_TTL_MS);
    const outcome = await ctx().deps.orders.markOrderPaid({
      orderId: order.id,
      provider: "stripe",
      reference: "pi_after",
    });
    expect(outcome.result).toBe("not_payable");
    expect((await ctx().deps.orders.findById(order.id))!.flaggedReason).toBe(
      "stripe payment pi_after for a pending order",
    );
  });

  it("chains a renewal after the period the first order granted", async () => {
    const first = await pendingOrder();
    const { deps } = ctx();
    await deps.orders.markOrderPaid({ orderId: first.order.id, provider: "manual", reference: "a" });
    const second = await deps.orders.create(
      { id: first.user.id, region: null },
      { tierId: first.order.tierId, months: 1 },
    );
    await deps.orders.markOrderPaid({ orderId: second.id, provider: "manual", reference: "b" });
    const [later, earlier] = await periods(first.user.id);
    expect(later!.startsAt).toEqual(earlier!.expiresAt);
  });

  describe("refunds", () => {
    it("revokes exactly the refunded order's period, runs orders.refunded reactions and queues a message", async () => {
      const { user, order } = await pendingOrder();
      const { deps } = ctx();
      const refundedSeen: string[] = [];
      deps.events.inTransaction("orders.refunded", async ({ order: refunded }) => {
        refundedSeen.push(`${refunded.id}:${refunded.status}`);
      });
      await deps.orders.markOrderPaid({ orderId: order.id, provider: "stripe", reference: "pi_1" });
      const outcome = await deps.orders.markOrderRefunded({
        orderId: order.id,
        provider: "stripe",
        reference: "ch_1",
      });
      expect(outcome.result).toBe("refunded");
      expect(refundedSeen).toEqual([`${order.id}:refunded`]);
      const [period] = await periods(user.id);
      expect(period!.revokedAt).not.toBeNull();
      expect(await deps.entitlements.tierOf(user.id)).toBe("free");
      expect((await outboxRows()).map((m) => m.topic).sort()).toEqual(["orders.paid", "orders.refunded"]);
      const again = await deps.orders.markOrderRefunded({
        orderId: order.id,
        provider: "stripe",
        reference: "ch_1",
      });
      expect(again.result).toBe("already_refunded");
    });

    it("refuses to refund an order that was never paid", async () => {
      const { order } = await pendingOrder();
      const outcome = await ctx().deps.orders.markOrderRefunded({
        orderId: order.id,
        provider: "stripe",
        reference: "ch_1",
      });
      expect(outcome.result).toBe("not_refundable");
    });
  });
});
