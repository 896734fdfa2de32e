import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser, tierId } from "../../../test/support/factories";
import { withTransaction } from "../../shared/unit-of-work";
import { auditLog } from "../audit/audit.table";
import { DAY_MS } from "./entitlements.models";

// Rules of the entitlements service that mutation testing found unpinned (issue 20): which
// periods a new one chains after, what each revoke touches, and what a user's view shows.

describe("entitlement periods", () => {
  const ctx = useTestApp();

  /** The user ids `entitlements.changed` announced, after commit. */
  function announced(): string[] {
    const seen: string[] = [];
    ctx().deps.events.afterCommit("entitlements.changed", ({ userId }) => {
      seen.push(userId);
    });
    return seen;
  }

  async function tier(level: "premium" | "vip") {
    return { id: await tierId(ctx().deps, level), level };
  }

  /** Grants a period in its own unit of work, as the paid path and the admin grant do. */
  function grant(userId: string, t: { id: string; level: "premium" | "vip" }, days: number, source: object) {
    return withTransaction(ctx().deps, (uow) =>
      ctx().deps.entitlements.grantPeriod(uow, {
        userId,
        tier: t,
        days,
        source: source as { grantedBy: string },
      }),
    );
  }

  it("a new period chains after the same tier's live period only: not another tier's, a revoked or an ended one", async () => {
    const { deps, clock } = ctx();
    const premium = await tier("premium");
    const vip = await tier("vip");
    const { user } = await createUser(deps);
    const now = clock.now().getTime();

    const first = await grant(user.id, premium, 30, { grantedBy: "usr_admin" });
    expect(first.startsAt.getTime()).toBe(now);
    expect(first.expiresAt.getTime()).toBe(now + 30 * DAY_MS);
    // Another tier starts at once, beside the premium period.
    const other = await grant(user.id, vip, 5, { grantedBy: "usr_admin" });
    expect(other.startsAt.getTime()).toBe(now);
    // The same tier again chains after the first.
    const chained = await grant(user.id, premium, 10, { grantedBy: "usr_admin" });
    expect(chained.startsAt).toEqual(first.expiresAt);
    expect(chained.expiresAt.getTime()).toBe(first.expiresAt.getTime() + 10 * DAY_MS);

    // Revoked periods do not push a new one back.
    const admin = { id: "usr_admin" };
    await deps.entitlements.adminRevoke(admin, first.id);
    await deps.entitlements.adminRevoke(admin, chained.id);
    const afterRevoke = await grant(user.id, premium, 3, { grantedBy: "usr_admin" });
    expect(afterRevoke.startsAt.getTime()).toBe(now);

    // A period that has ended does not either: the next starts when it is granted.
    clock.advance(4 * DAY_MS);
    const afterEnd = await grant(user.id, premium, 3, { grantedBy: "usr_admin" });
    expect(afterEnd.startsAt.getTime()).toBe(now + 4 * DAY_MS);
  });

  it("records where a period came from: an order, an admin, or a trial/grace with its reference", async () => {
    const { deps } = ctx();
    const premium = await tier("premium");
    const { user } = await createUser(deps);
    const admin = await grant(user.id, premium, 1, { grantedBy: "usr_admin" });
    expect(admin).toMatchObject({
      sourceKind: "admin",
      grantedBy: "usr_admin",
      orderId: null,
      reference: null,
    });
    const grace = await grant(user.id, premium, 1, { kind: "grace", reference: "in_1", grantedBy: "stripe" });
    expect(grace).toMatchObject({
      sourceKind: "grace",
      reference: "in_1",
      grantedBy: "stripe",
      orderId: null,
    });
  });

  it("each grant and each revoke that changed something announces entitlements.changed for the user", async () => {
    const { deps } = ctx();
    const seen = announced();
    const premium = await tier("premium");
    const { user } = await createUser(deps);
    const period = await grant(user.id, premium, 30, { grantedBy: "usr_admin" });
    await deps.events.settled();
    expect(seen).toEqual([user.id]);
    await deps.entitlements.adminRevoke({ id: "usr_admin" }, period.id);
    await deps.events.settled();
    expect(seen).toEqual([user.id, user.id]);
    await expect(deps.entitlements.adminRevoke({ id: "usr_admin" }, period.id)).rejects.toMatchObject({
      code: "entitlements.not_found",
    });
    await deps.events.settled();
    expect(seen).toHaveLength(2);
  });

  it("revoking by reference ends that period only, once, and says whose it was", async () => {
    const { deps, clock } = ctx();
    const seen = announced();
    const premium = await tier("premium");
    const vip = await tier("vip");
    const a = await createUser(deps);
    const b = await createUser(deps);
    await grant(a.user.id, premium, 3, { kind: "grace", reference: "in_a", grantedBy: "stripe" });
    await grant(b.user.id, vip, 3, { kind: "grace", reference: "in_b", grantedBy: "stripe" });
    await deps.events.settled();
    seen.length = 0;

    const revoked = await withTransaction(deps, (uow) =>
      deps.entitlements.revokeByReference(uow, "in_a", "stripe:pi_late"),
    );
    expect(revoked).toMatchObject({ userId: a.user.id, reference: "in_a", revokedBy: "stripe:pi_late" });
    expect(revoked!.revokedAt).toEqual(clock.now());
    await deps.events.settled();
    expect(seen).toEqual([a.user.id]);
    expect(await deps.entitlements.tierOf(a.user.id)).toBe("free");
    expect(await deps.entitlements.tierOf(b.user.id)).toBe("vip");

    // A second revoke finds nothing left to end, and announces nothing.
    const again = await withTransaction(deps, (uow) =>
      deps.entitlements.revokeByReference(uow, "in_a", "someone-else"),
    );
    expect(again).toBeUndefined();
    const [row] = (await deps.entitlements.periodsOf(a.user.id)).filter((p) => p.reference === "in_a");
    expect(row!.revokedBy).toBe("stripe:pi_late");
    await deps.events.settled();
    expect(seen).toEqual([a.user.id]);
  });

  it("revoking an order's period ends only that order's period; with none active it returns nothing", async () => {
    const { deps } = ctx();
    const seen = announced();
    const { user } = await createUser(deps);
    const order = await deps.orders.create(
      { id: user.id, region: null },
      { tierId: await tierId(deps, "premium"), months: 1, region: "GB" },
    );
    const paid = await deps.orders.markOrderPaid({ orderId: order.id, provider: "manual", reference: "r1" });
    expect(paid.result).toBe("paid");
    const other = await grant(user.id, await tier("vip"), 30, { grantedBy: "usr_admin" });
    await deps.events.settled();
    seen.length = 0;

    const revoked = await withTransaction(deps, (uow) =>
      deps.entitlements.revokeForOrder(uow, order.id, "manual:refund-1"),
    );
    expect(revoked).toMatchObject({ orderId: order.id, revokedBy: "manual:refund-1" });
    await deps.events.settled();
    expect(seen).toEqual([user.id]);
    const periods = await deps.entitlements.periodsOf(user.id);
    expect(periods.find((p) => p.id === other.id)!.revokedAt).toBeNull();

    const again = await withTransaction(deps, (uow) => deps.entitlements.revokeForOrder(uow, order.id, "x"));
    expect(again).toBeUndefined();
    await deps.events.settled();
    expect(seen).toEqual([user.id]);
  });

  it("a user's view lists live and future periods, newest first, not revoked ones, with where each came from", async () => {
    const { deps, clock } = ctx();
    const premium = await tier("premium");
    const { user } = await createUser(deps);
    const order = await deps.orders.create(
      { id: user.id, region: null },
      { tierId: premium.id, months: 1, region: "GB" },
    );
    await deps.orders.markOrderPaid({ orderId: order.id, provider: "manual", reference: "r2" });
    const chained = await grant(user.id, premium, 5, { grantedBy: "usr_admin" });
    const revoked = await grant(user.id, await tier("vip"), 5, { grantedBy: "usr_admin" });
    await deps.entitlements.adminRevoke({ id: "usr_admin" }, revoked.id);

    const view = await deps.entitlements.view(user.id);
    expect(view.tier).toBe("premium");
    expect(view.items).toEqual([
      {
        id: chained.id,
        tierId: premium.id,
        level: "premium",
        startsAt: chained.startsAt.toISOString(),
        expiresAt: chained.expiresAt.toISOString(),
        source: { grantedBy: "usr_admin" },
        kind: "admin",
        active: false,
      },
      expect.objectContaining({ source: { orderId: order.id }, kind: "order", active: true }),
    ]);
    clock.set(chained.startsAt);
    expect((await deps.entitlements.view(user.id)).items.map((i) => i.active)).toEqual([true, false]);
  });

  it("features follow the tier held: none of a plan's for a free user, the tier's own while it lasts", async () => {
    const { deps, clock } = ctx();
    const { user } = await createUser(deps);
    expect(await deps.entitlements.hasFeature(user.id, "signals")).toBe(false);
    expect(await deps.entitlements.hasFeature(user.id, "autoApprove")).toBe(false);
    await grant(user.id, await tier("vip"), 1, { grantedBy: "usr_admin" });
    expect(await deps.entitlements.hasFeature(user.id, "autoApprove")).toBe(true);
    expect(await deps.entitlements.featuresOf(user.id)).toMatchObject({ maxDevices: 3 });
    // Asked about a moment after the period: free again.
    const later = new Date(clock.now().getTime() + 2 * DAY_MS);
    expect(await deps.entitlements.hasFeature(user.id, "autoApprove", later)).toBe(false);
    expect(await deps.entitlements.tierOf(user.id, later)).toBe("free");
  });
  it("an admin's grant and revoke are audited with who, what and for whom; ids are ent_", async () => {
    const { deps } = ctx();
    const premium = await tier("premium");
    const { user } = await createUser(deps);
    const admin = { id: "usr_admin" };
    const period = await deps.entitlements.adminGrant(admin, user.id, premium.id, 14);
    expect(period.id).toMatch(/^ent_/);
    await deps.entitlements.adminRevoke(admin, period.id);
    const audits = await deps.db.select().from(auditLog);
    expect(
      audits.map(({ actorId, actorKind, action, subjectType, subjectId, data }) => ({
        actorId,
        actorKind,
        action,
        subjectType,
        subjectId,
        data,
      })),
    ).toEqual([
      {
        actorId: "usr_admin",
        actorKind: "admin",
        action: "entitlements.granted",
        subjectType: "user",
        subjectId: user.id,
        data: { entitlementId: period.id, tierId: premium.id, days: 14 },
      },
      {
        actorId: "usr_admin",
        actorKind: "admin",
        action: "entitlements.revoked",
        subjectType: "user",
        subjectId: user.id,
        data: { entitlementId: period.id },
      },
    ]);
  });

  it("the period an order paid for is found by the order until it is revoked", async () => {
    const { deps } = ctx();
    const { user } = await createUser(deps);
    const order = await deps.orders.create(
      { id: user.id, region: null },
      { tierId: await tierId(deps, "premium"), months: 1, region: "GB" },
    );
    expect(await deps.entitlements.periodForOrder(order.id)).toBeUndefined();
    const paid = await deps.orders.markOrderPaid({ orderId: order.id, provider: "manual", reference: "r3" });
    if (paid.result !== "paid") throw new Error(paid.result);
    expect(await deps.entitlements.periodForOrder(order.id)).toMatchObject({ id: paid.entitlement.id });
    await deps.entitlements.adminRevoke({ id: "usr_admin" }, paid.entitlement.id);
    expect(await deps.entitlements.periodForOrder(order.id)).toBeUndefined();
  });

  it("two grants at once for one user chain, the second starting where the first ends", async () => {
    // On PostgreSQL the two transactions really overlap; the user's row lock makes them queue.
    const { deps, clock } = ctx();
    const premium = await tier("premium");
    const { user } = await createUser(deps);
    const [a, b] = await Promise.all([
      grant(user.id, premium, 30, { grantedBy: "usr_admin" }),
      grant(user.id, premium, 30, { grantedBy: "usr_admin" }),
    ]);
    const [first, second] = [a, b].sort((x, y) => x.startsAt.getTime() - y.startsAt.getTime());
    expect(first!.startsAt).toEqual(clock.now());
    expect(second!.startsAt).toEqual(first!.expiresAt);
  });
});
