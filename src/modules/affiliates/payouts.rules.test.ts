import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { affiliatesService, affiliateWithSales, newAffiliate, stats } from "../../../test/support/factories";
import { auditLog } from "../audit/audit.table";
import { DAY_MS, PAYOUT_INTERVAL_MS } from "./affiliates.models";
import { affiliateCommissions, affiliatePayouts } from "./affiliates.table";

// Payout rules mutation testing found unpinned (issue 20): each refusal and its reason, the
// spacing between requests to the millisecond, and what completing or rejecting records.

describe("payout requests and decisions", () => {
  const ctx = useTestApp();
  const admin = { id: "usr_admin" };
  const auditsOf = (payoutId: string) =>
    ctx().deps.db.select().from(auditLog).where(eq(auditLog.subjectId, payoutId));

  /** An affiliate with `sales` sales of 2506 each, all available. */
  async function withAvailable(sales: number) {
    const { deps, clock } = ctx();
    const affiliate = await affiliateWithSales(deps, sales);
    clock.advance(30 * DAY_MS);
    return affiliate;
  }

  it("refuses an amount that is not a positive whole number of pence, naming the field", async () => {
    const { user } = await withAvailable(2);
    for (const amount of [0, -5000, 5000.5, Number.NaN]) {
      await expect(ctx().deps.affiliates.requestPayout(user.id, amount)).rejects.toMatchObject({
        code: "request.invalid",
        detail: "amountMinor must be a positive whole number of pence",
        errors: [{ path: "amountMinor", message: "must be a positive integer" }],
      });
    }
  });

  it("refuses less than the minimum with the minimum in the reason, and accepts exactly it", async () => {
    const { user } = await withAvailable(2);
    await expect(ctx().deps.affiliates.requestPayout(user.id, 4999)).rejects.toMatchObject({
      code: "affiliates.below_minimum",
      detail: "The minimum payout is 5000 GBP minor units",
    });
    expect((await ctx().deps.affiliates.requestPayout(user.id, 5000)).amountMinor).toBe(5000);
  });

  it("refuses more than is left to request, saying how much is, and never a negative figure", async () => {
    const { user } = await withAvailable(3);
    await ctx().deps.affiliates.requestPayout(user.id, 5000);
    ctx().clock.advance(PAYOUT_INTERVAL_MS);
    await expect(ctx().deps.affiliates.requestPayout(user.id, 5000)).rejects.toMatchObject({
      code: "affiliates.insufficient_balance",
      detail: "2518 GBP minor units can be requested now",
    });
    const none = await newAffiliate(ctx().deps);
    await expect(ctx().deps.affiliates.requestPayout(none.user.id, 5000)).rejects.toMatchObject({
      detail: "0 GBP minor units can be requested now",
    });
  });

  it("spaces requests 10 s apart, telling the client how many whole seconds to wait", async () => {
    const { user } = await withAvailable(6);
    const { deps, clock } = ctx();
    await deps.affiliates.requestPayout(user.id, 5000);
    clock.advance(3_500);
    await expect(deps.affiliates.requestPayout(user.id, 5000)).rejects.toMatchObject({
      code: "affiliates.payout_rate_limited",
      detail: "Wait before asking for another payout",
      headers: { "retry-after": "7" },
    });
    clock.advance(6_499);
    await expect(deps.affiliates.requestPayout(user.id, 5000)).rejects.toMatchObject({
      headers: { "retry-after": "1" },
    });
    clock.advance(1);
    expect((await deps.affiliates.requestPayout(user.id, 5000)).status).toBe("requested");
  });

  it("a user who is not an affiliate cannot request a payout, nor list payouts", async () => {
    await expect(ctx().deps.affiliates.requestPayout("usr_nobody", 5000)).rejects.toMatchObject({
      code: "affiliates.not_registered",
    });
    await expect(
      ctx().deps.affiliates.payouts.listOwn("usr_nobody", { limit: 10, cursor: null }),
    ).rejects.toMatchObject({
      code: "affiliates.not_registered",
    });
  });

  it("completing is refused, naming why, when the entries it was asked against are gone", async () => {
    const { user } = await withAvailable(3);
    const { deps } = ctx();
    const payout = await deps.affiliates.requestPayout(user.id, 6000);
    await deps.affiliates.admin.approvePayout(admin, payout.id);
    // What a refund's reversal leaves: the commissions behind the request no longer available.
    await deps.db.update(affiliateCommissions).set({ status: "reversed", reversalReason: "refund" });
    await expect(deps.affiliates.admin.completePayout(admin, payout.id, "bank-1")).rejects.toMatchObject({
      code: "affiliates.insufficient_balance",
      detail: "The available entries no longer cover this payout",
    });
    expect((await deps.db.select().from(affiliatePayouts))[0]!.status).toBe("requested");
  });

  it("audits the request, the completion and the rejection with who did it and how much", async () => {
    const { user } = await withAvailable(5);
    const { deps, clock } = ctx();
    const first = await deps.affiliates.requestPayout(user.id, 5012);
    clock.advance(PAYOUT_INTERVAL_MS);
    const second = await deps.affiliates.requestPayout(user.id, 5000);
    await deps.affiliates.admin.approvePayout(admin, first.id);
    const done = await deps.affiliates.admin.completePayout(admin, first.id, "bank-1");
    expect(done).toMatchObject({
      status: "paid",
      reference: "bank-1",
      decidedBy: "usr_admin",
      decidedAt: clock.now(),
    });
    const rejected = await deps.affiliates.admin.rejectPayout(admin, second.id, "wrong bank details");
    expect(rejected).toMatchObject({
      status: "rejected",
      rejectionReason: "wrong bank details",
      decidedBy: "usr_admin",
      decidedAt: clock.now(),
    });

    expect(await auditsOf(first.id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actorId: user.id,
          actorKind: "user",
          action: "affiliates.payout_requested",
          subjectType: "affiliate_payout",
          data: expect.objectContaining({ amountMinor: 5012 }),
        }),
        expect.objectContaining({
          actorId: "usr_admin",
          actorKind: "admin",
          action: "affiliates.payout_completed",
          subjectType: "affiliate_payout",
          data: expect.objectContaining({ amountMinor: 5012, reference: "bank-1" }),
        }),
      ]),
    );
    expect(await auditsOf(second.id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actorKind: "admin",
          action: "affiliates.payout_rejected",
          data: expect.objectContaining({ amountMinor: 5000, reason: "wrong bank details" }),
        }),
      ]),
    );
    // A rejection puts the amount back: 12,530 − 5,012 paid.
    expect(await stats(deps, user.id)).toMatchObject({
      availableMinor: 7518,
      paidMinor: 5012,
      requestedMinor: 0,
    });
  });

  it("a decided payout cannot be decided again, and an unknown one is not found", async () => {
    const { user } = await withAvailable(2);
    const { deps } = ctx();
    const payout = await deps.affiliates.requestPayout(user.id, 5000);
    await deps.affiliates.admin.rejectPayout(admin, payout.id, "no");
    await expect(deps.affiliates.admin.completePayout(admin, payout.id, "bank")).rejects.toMatchObject({
      code: "affiliates.payout_not_requested",
      detail: "It is rejected",
    });
    await expect(deps.affiliates.admin.rejectPayout(admin, payout.id, "again")).rejects.toMatchObject({
      code: "affiliates.payout_not_requested",
    });
    await expect(deps.affiliates.admin.completePayout(admin, "pyo_unknown", "bank")).rejects.toMatchObject({
      code: "affiliates.payout_not_found",
    });
  });

  it("completing pays whole entries oldest first and splits the last one, keeping the rest open", async () => {
    const { user, sales } = await withAvailable(3);
    const { deps } = ctx();
    const payout = await deps.affiliates.requestPayout(user.id, 6000);
    expect(payout.id).toMatch(/^pyo_/);
    await deps.affiliates.admin.approvePayout(admin, payout.id);
    await deps.affiliates.admin.completePayout(admin, payout.id, "bank-1");
    const rows = await deps.db.select().from(affiliateCommissions);
    const paid = rows.filter((r) => r.status === "paid");
    expect(paid.map((r) => r.amountMinor).sort((a, b) => a - b)).toEqual([988, 2506, 2506]);
    expect(paid.every((r) => r.payoutId === payout.id && r.settledAt !== null)).toBe(true);
    const split = rows.find((r) => r.status === "split")!;
    expect(split.orderId).toBe(sales[2]!.id);
    const parts = rows.filter((r) => r.parentId === split.id);
    expect(parts.every((r) => r.id.startsWith("com_"))).toBe(true);
    expect(parts.map((r) => [r.status, r.amountMinor, r.payoutId, r.details]).sort()).toEqual([
      ["open", 1518, null, expect.objectContaining({ splitFrom: split.id })],
      ["paid", 988, payout.id, expect.objectContaining({ splitFrom: split.id })],
    ]);
    expect(parts.every((r) => r.orderId === split.orderId && r.rateBps === split.rateBps)).toBe(true);
    expect(await stats(deps, user.id)).toMatchObject({ availableMinor: 1518, paidMinor: 6000 });
  });

  it("lists payouts to admins by status, newest first, with their affiliate", async () => {
    const { user, code } = await withAvailable(5);
    const { deps, clock } = ctx();
    const older = await deps.affiliates.requestPayout(user.id, 5000);
    clock.advance(PAYOUT_INTERVAL_MS);
    const newer = await deps.affiliates.requestPayout(user.id, 5000);
    await deps.affiliates.admin.rejectPayout(admin, older.id, "no");
    const requested = await deps.affiliates.admin.listPayouts({
      limit: 10,
      cursor: null,
      status: "requested",
    });
    expect(requested.items.map((p) => p.id)).toEqual([newer.id]);
    expect(requested.items[0]).toMatchObject({ affiliate: { code, userId: user.id } });
    const all = await deps.affiliates.admin.listPayouts({ limit: 1, cursor: null });
    expect(all.items.map((p) => p.id)).toEqual([newer.id]);
    const next = await deps.affiliates.admin.listPayouts({
      limit: 1,
      cursor: { createdAt: newer.createdAt, id: newer.id },
    });
    expect(next.items.map((p) => p.id)).toEqual([older.id]);
    expect(next.nextCursor).toBeNull();
  });
});

// Issue 17: an affiliate's first payout is held for an admin's review before it can be paid.
describe("the first payout held for review", () => {
  const ctx = useTestApp();
  const admin = { id: "usr_admin" };
  const rowOf = async (payoutId: string) =>
    (await ctx().deps.db.select().from(affiliatePayouts).where(eq(affiliatePayouts.id, payoutId)))[0]!;

  async function withAvailable(sales: number) {
    const affiliate = await affiliateWithSales(ctx().deps, sales);
    ctx().clock.advance(30 * DAY_MS);
    return affiliate;
  }

  it("an affiliate's first payout is held: completing it is refused until an admin approves it", async () => {
    const { user } = await withAvailable(2);
    const { deps, clock } = ctx();
    const payout = await deps.affiliates.requestPayout(user.id, 5012);
    expect(payout).toMatchObject({ status: "requested", heldForReview: true, approvedAt: null });
    await expect(deps.affiliates.admin.completePayout(admin, payout.id, "bank-1")).rejects.toMatchObject({
      code: "affiliates.payout_held",
      status: 409,
      detail: "An affiliate's first payout is approved before it is completed",
    });
    expect(await stats(deps, user.id)).toMatchObject({ paidMinor: 0, requestedMinor: 5012 });
    clock.advance(1_000);
    const approved = await deps.affiliates.admin.approvePayout(admin, payout.id);
    expect(approved).toMatchObject({
      status: "requested",
      heldForReview: true,
      approvedBy: "usr_admin",
      approvedAt: clock.now(),
    });
    const audit = await ctx().deps.audit.listForSubject("affiliate_payout", payout.id);
    // Newest first.
    expect(audit.map((a) => [a.action, a.actorId, a.data])).toEqual([
      ["affiliates.payout_approved", "usr_admin", { affiliateId: payout.affiliateId, amountMinor: 5012 }],
      [
        "affiliates.payout_requested",
        user.id,
        { affiliateId: payout.affiliateId, amountMinor: 5012, heldForReview: true },
      ],
    ]);
    expect(await deps.affiliates.admin.completePayout(admin, payout.id, "bank-1")).toMatchObject({
      status: "paid",
    });
  });

  it("once a payout was paid, the affiliate's later payouts are not held and cannot be approved", async () => {
    const { user } = await withAvailable(5);
    const { deps, clock } = ctx();
    const first = await deps.affiliates.requestPayout(user.id, 5000);
    await deps.affiliates.admin.approvePayout(admin, first.id);
    await deps.affiliates.admin.completePayout(admin, first.id, "bank-1");
    clock.advance(PAYOUT_INTERVAL_MS);
    const second = await deps.affiliates.requestPayout(user.id, 5000);
    expect(second.heldForReview).toBe(false);
    await expect(deps.affiliates.admin.approvePayout(admin, second.id)).rejects.toMatchObject({
      code: "affiliates.payout_not_held",
      detail: "Only an affiliate's first payout is held for review",
    });
    expect(await deps.affiliates.admin.completePayout(admin, second.id, "bank-2")).toMatchObject({
      status: "paid",
      approvedAt: null,
    });
  });

  it("a payout paid before reviews existed (never held) vouches for the affiliate too", async () => {
    const { user } = await withAvailable(5);
    const { deps, clock } = ctx();
    const legacy = await deps.affiliates.requestPayout(user.id, 5000);
    await deps.db
      .update(affiliatePayouts)
      .set({ heldForReview: false })
      .where(eq(affiliatePayouts.id, legacy.id));
    await deps.affiliates.admin.completePayout(admin, legacy.id, "bank-1");
    clock.advance(PAYOUT_INTERVAL_MS);
    expect((await deps.affiliates.requestPayout(user.id, 5000)).heldForReview).toBe(false);
  });

  it("an approved payout vouches for the affiliate even if it is then rejected: the next one is not held", async () => {
    const { user } = await withAvailable(3);
    const { deps, clock } = ctx();
    const first = await deps.affiliates.requestPayout(user.id, 5000);
    await deps.affiliates.admin.approvePayout(admin, first.id);
    await deps.affiliates.admin.rejectPayout(admin, first.id, "wrong bank details");
    clock.advance(PAYOUT_INTERVAL_MS);
    expect((await deps.affiliates.requestPayout(user.id, 5000)).heldForReview).toBe(false);
  });

  it("a first payout rejected without approval vouches for nothing: the next request is held again", async () => {
    const { user } = await withAvailable(3);
    const { deps, clock } = ctx();
    const first = await deps.affiliates.requestPayout(user.id, 5000);
    await deps.affiliates.admin.rejectPayout(admin, first.id, "who are you?");
    clock.advance(PAYOUT_INTERVAL_MS);
    expect((await deps.affiliates.requestPayout(user.id, 5000)).heldForReview).toBe(true);
  });

  it("another affiliate's paid payout does not vouch for this one", async () => {
    const { deps } = ctx();
    const vetted = await affiliateWithSales(deps, 2);
    const fresh = await affiliateWithSales(deps, 2);
    ctx().clock.advance(30 * DAY_MS);
    const theirs = await deps.affiliates.requestPayout(vetted.user.id, 5012);
    await deps.affiliates.admin.approvePayout(admin, theirs.id);
    await deps.affiliates.admin.completePayout(admin, theirs.id, "bank-1");
    expect((await deps.affiliates.requestPayout(fresh.user.id, 5012)).heldForReview).toBe(true);
  });

  it("approving is once, and only while the payout is requested", async () => {
    const { user } = await withAvailable(2);
    const { deps } = ctx();
    const payout = await deps.affiliates.requestPayout(user.id, 5012);
    await deps.affiliates.admin.approvePayout(admin, payout.id);
    await expect(deps.affiliates.admin.approvePayout(admin, payout.id)).rejects.toMatchObject({
      code: "affiliates.payout_not_held",
      detail: "It was approved already",
    });
    await deps.affiliates.admin.rejectPayout(admin, payout.id, "changed my mind");
    await expect(deps.affiliates.admin.approvePayout(admin, payout.id)).rejects.toMatchObject({
      code: "affiliates.payout_not_requested",
    });
    await expect(deps.affiliates.admin.approvePayout(admin, "pyo_unknown")).rejects.toMatchObject({
      code: "affiliates.payout_not_found",
    });
  });

  it("two first requests at once: neither escapes the review, and the database lets one through", async () => {
    const { deps } = ctx();
    const { user } = await withAvailable(4);
    const spaced = await Promise.allSettled([
      deps.affiliates.requestPayout(user.id, 5000),
      deps.affiliates.requestPayout(user.id, 5000),
    ]);
    const made = spaced.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    expect(made).toHaveLength(1);
    expect(made[0]!.heldForReview).toBe(true);
    // Without the spacing rule both pass the balance check; the affiliate's lock still makes the
    // second see the first, so both wait for an admin.
    const unspaced = affiliatesService(deps, { payoutIntervalMs: 0 });
    const { user: other } = await withAvailable(4);
    const both = await Promise.all([
      unspaced.requestPayout(other.id, 5000),
      unspaced.requestPayout(other.id, 5000),
    ]);
    expect(both.map((p) => p.heldForReview)).toEqual([true, true]);
  });

  it("the database refuses a held payout paid without approval, or an approval of one never held", async () => {
    const { user } = await withAvailable(4);
    const { deps } = ctx();
    const held = await deps.affiliates.requestPayout(user.id, 5000);
    const now = ctx().clock.now();
    await expect(
      deps.db
        .update(affiliatePayouts)
        .set({ status: "paid", reference: "bank", decidedAt: now })
        .where(eq(affiliatePayouts.id, held.id)),
    ).rejects.toThrow();
    await expect(
      deps.db
        .update(affiliatePayouts)
        .set({ heldForReview: false, approvedAt: now, approvedBy: "usr_admin" })
        .where(eq(affiliatePayouts.id, held.id)),
    ).rejects.toThrow();
    expect(await rowOf(held.id)).toMatchObject({ status: "requested", approvedAt: null });
  });
});
