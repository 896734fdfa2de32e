import { and, desc, eq, inArray, isNotNull, isNull, or } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { CommonErrors } from "../../shared/errors";
import { newId } from "../../shared/ids";
import type { AffiliateContext } from "./affiliates.context";
import { AffiliateErrors } from "./affiliates.errors";
import { allocatePayout, pageOf } from "./affiliates.models";
import { affiliatesRepository, olderThan } from "./affiliates.repository";
import { affiliateCommissions, affiliatePayouts, affiliates, type PayoutRow } from "./affiliates.table";
import type { CommissionsService } from "./commissions.service";

type Page = { limit: number; cursor: { createdAt: Date; id: string } | null };
type Actor = { id: string };

export const payoutView = (p: PayoutRow) => ({
  id: p.id,
  amountMinor: p.amountMinor,
  currency: p.currency,
  status: p.status,
  reference: p.reference,
  rejectionReason: p.rejectionReason,
  heldForReview: p.heldForReview,
  approvedAt: p.approvedAt?.toISOString() ?? null,
  createdAt: p.createdAt.toISOString(),
  decidedAt: p.decidedAt?.toISOString() ?? null,
});

export type PayoutsService = ReturnType<typeof createPayoutsService>;

export function createPayoutsService(ctx: AffiliateContext, commissions: CommissionsService) {
  const { db, clock, settings } = ctx;
  const p = affiliatePayouts;

  /** An admin's decision on a payout, in the audit log. */
  const audited = (tx: Executor, actor: Actor, action: string, payout: PayoutRow, data = {}) =>
    ctx.audit.record(
      {
        actorId: actor.id,
        actorKind: "admin",
        action,
        subjectType: "affiliate_payout",
        subjectId: payout.id,
        data: { affiliateId: payout.affiliateId, amountMinor: payout.amountMinor, ...data },
      },
      tx,
    );

  /**
   * The balance check and the spacing between requests are both read under the affiliate's row
   * lock, so of any number of simultaneous requests only the first can pass, and no request can
   * promise money another one already claimed.
   */
  async function request(userId: string, amountMinor: number, executor: Executor = db): Promise<PayoutRow> {
    if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
      throw CommonErrors.invalid("amountMinor must be a positive whole number of pence", {
        errors: [{ path: "amountMinor", message: "must be a positive integer" }],
      });
    }
    if (amountMinor < settings.payoutMinimumMinor) {
      throw AffiliateErrors.belowMinimum(
        `The minimum payout is ${settings.payoutMinimumMinor} GBP minor units`,
      );
    }
    // Inside the caller's transaction when given one (a savepoint), so the payout can commit with
    // the Idempotency-Key's stored response.
    return executor.transaction(async (tx) => {
      const repo = affiliatesRepository(tx);
      const affiliate = await repo.lockOfUser(userId);
      if (!affiliate) throw AffiliateErrors.notRegistered();
      const now = clock.now();
      const [last] = await tx
        .select({ createdAt: p.createdAt })
        .from(p)
        .where(eq(p.affiliateId, affiliate.id))
        .orderBy(desc(p.createdAt))
        .limit(1);
      const waitMs = last ? last.createdAt.getTime() + settings.payoutIntervalMs - now.getTime() : 0;
      if (waitMs > 0) {
        throw AffiliateErrors.payoutTooSoon("Wait before asking for another payout", {
          headers: { "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) },
        });
      }
      const balances = await repo.balances(affiliate.id, now);
      const spendable = balances.availableMinor - balances.requestedMinor;
      if (amountMinor > spendable) {
        throw AffiliateErrors.insufficientBalance(
          `${Math.max(0, spendable)} GBP minor units can be requested now`,
        );
      }
      const heldForReview = !(await hasVettedPayout(tx, affiliate.id));
      const [payout] = await tx
        .insert(p)
        .values({
          id: newId("pyo", now.getTime()),
          affiliateId: affiliate.id,
          amountMinor,
          heldForReview,
          createdAt: now,
        })
        .returning();
      await ctx.audit.record(
        {
          actorId: userId,
          actorKind: "user",
          action: "affiliates.payout_requested",
          subjectType: "affiliate_payout",
          subjectId: payout!.id,
          data: { affiliateId: affiliate.id, amountMinor, heldForReview },
        },
        tx,
      );
      return payout!;
    });
  }

  /**
   * Issue 17: an affiliate's first payout waits for an admin's approval, and so does every
   * request until one of theirs was approved or paid. Read under the affiliate's lock, like the
   * balance, so of two first requests at once neither can skip the review.
   */
  async function hasVettedPayout(tx: Executor, affiliateId: string): Promise<boolean> {
    const [vetted] = await tx
      // Stryker disable next-line ObjectLiteral: only whether a row exists is read
      .select({ id: p.id })
      .from(p)
      .where(and(eq(p.affiliateId, affiliateId), or(eq(p.status, "paid"), isNotNull(p.approvedAt))))
      .limit(1);
    return vetted !== undefined;
  }

  /** Finds the payout, then takes its affiliate's lock before deciding anything about it. */
  async function lockedPayout(tx: Executor, payoutId: string): Promise<PayoutRow> {
    const [found] = await tx.select().from(p).where(eq(p.id, payoutId));
    if (!found) throw AffiliateErrors.payoutNotFound();
    await affiliatesRepository(tx).lock(found.affiliateId);
    const [current] = await tx.select().from(p).where(eq(p.id, payoutId));
    if (current!.status !== "requested") throw AffiliateErrors.payoutNotRequested(`It is ${current!.status}`);
    return current!;
  }

  /**
   * Marks available entries paid, oldest first, to exactly the payout's amount; an entry only
   * partly covered is split into a paid part and an open remainder so the ledger stays exact.
   */
  async function settleEntries(tx: Executor, payout: PayoutRow): Promise<void> {
    const c = affiliateCommissions;
    const now = clock.now();
    const entries = await commissions.availableEntries(tx, payout.affiliateId);
    const plan = allocatePayout(entries, payout.amountMinor);
    if (!plan) throw AffiliateErrors.insufficientBalance("The available entries no longer cover this payout");
    // Stryker disable next-line ConditionalExpression,EqualityOperator: an update of no ids changes nothing; the guard spares the round trip
    if (plan.paid.length > 0) {
      await tx
        .update(c)
        .set({ status: "paid", payoutId: payout.id, settledAt: now })
        .where(and(inArray(c.id, plan.paid), eq(c.status, "open")));
    }
    if (plan.split) {
      const parent = entries.find((e) => e.id === plan.split!.id)!;
      await tx
        .update(c)
        .set({ status: "split", settledAt: now })
        .where(and(eq(c.id, parent.id), eq(c.status, "open")));
      const { id: _id, ...inherited } = parent;
      const part = (amountMinor: number) => ({
        ...inherited,
        id: newId("com", now.getTime()),
        parentId: parent.id,
        amountMinor,
        details: { ...parent.details, splitFrom: parent.id },
      });
      await tx.insert(c).values([
        { ...part(plan.split.paidMinor), status: "paid", payoutId: payout.id, settledAt: now },
        { ...part(plan.split.remainderMinor), status: "open", payoutId: null, settledAt: null },
      ]);
    }
    ctx.commissionsTotal.inc({ status: "paid" }, plan.paid.length + (plan.split ? 1 : 0));
  }

  const awaitsApproval = (payout: PayoutRow) => payout.heldForReview && payout.approvedAt === null;

  /** An admin lets a held payout go on to be completed (or still rejected). */
  async function approve(actor: Actor, payoutId: string): Promise<PayoutRow> {
    return db.transaction(async (tx) => {
      const payout = await lockedPayout(tx, payoutId);
      if (!awaitsApproval(payout)) {
        throw AffiliateErrors.payoutNotHeld(
          payout.heldForReview
            ? "It was approved already"
            : "Only an affiliate's first payout is held for review",
        );
      }
      const [done] = await tx
        .update(p)
        .set({ approvedBy: actor.id, approvedAt: clock.now() })
        .where(and(eq(p.id, payout.id), eq(p.status, "requested"), isNull(p.approvedAt)))
        .returning();
      await audited(tx, actor, "affiliates.payout_approved", done!);
      return done!;
    });
  }

  async function complete(actor: Actor, payoutId: string, reference: string): Promise<PayoutRow> {
    return db.transaction(async (tx) => {
      const payout = await lockedPayout(tx, payoutId);
      if (awaitsApproval(payout)) {
        throw AffiliateErrors.payoutHeld("An affiliate's first payout is approved before it is completed");
      }
      await settleEntries(tx, payout);
      const [done] = await tx
        .update(p)
        .set({ status: "paid", reference, decidedBy: actor.id, decidedAt: clock.now() })
        .where(and(eq(p.id, payout.id), eq(p.status, "requested")))
        .returning();
      await audited(tx, actor, "affiliates.payout_completed", done!, { reference });
      return done!;
    });
  }

  async function reject(actor: Actor, payoutId: string, reason: string): Promise<PayoutRow> {
    return db.transaction(async (tx) => {
      const payout = await lockedPayout(tx, payoutId);
      const [done] = await tx
        .update(p)
        .set({ status: "rejected", rejectionReason: reason, decidedBy: actor.id, decidedAt: clock.now() })
        .where(and(eq(p.id, payout.id), eq(p.status, "requested")))
        .returning();
      await audited(tx, actor, "affiliates.payout_rejected", done!, { reason });
      return done!;
    });
  }

  async function listOwn(userId: string, page: Page) {
    const affiliate = await affiliatesRepository(db).findByUserId(userId);
    if (!affiliate) throw AffiliateErrors.notRegistered();
    return pageOf(await listRows(page, eq(p.affiliateId, affiliate.id)), page, payoutView);
  }

  /** Someone else's payout answers exactly like a missing one. */
  async function findOwn(userId: string, payoutId: string): Promise<PayoutRow> {
    const [row] = await db
      .select({ payout: p })
      .from(p)
      .innerJoin(affiliates, eq(affiliates.id, p.affiliateId))
      .where(and(eq(p.id, payoutId), eq(affiliates.userId, userId)));
    if (!row) throw AffiliateErrors.payoutNotFound();
    return row.payout;
  }

  async function listAll(page: Page & { status?: PayoutRow["status"] }) {
    const rows = await db
      .select({ payout: p, code: affiliates.code, userId: affiliates.userId })
      .from(p)
      .innerJoin(affiliates, eq(affiliates.id, p.affiliateId))
      .where(and(page.status ? eq(p.status, page.status) : undefined, olderThan(p, page.cursor)))
      .orderBy(desc(p.createdAt), desc(p.id))
      .limit(page.limit + 1);
    return pageOf(
      rows.map((r) => ({ ...r.payout, code: r.code, userId: r.userId })),
      page,
      (r) => ({ ...payoutView(r), affiliate: { id: r.affiliateId, code: r.code, userId: r.userId } }),
    );
  }

  function listRows(page: Page, where: ReturnType<typeof eq>) {
    return db
      .select()
      .from(p)
      .where(and(where, olderThan(p, page.cursor)))
      .orderBy(desc(p.createdAt), desc(p.id))
      .limit(page.limit + 1);
  }

  return { request, approve, complete, reject, listOwn, findOwn, listAll };
}
