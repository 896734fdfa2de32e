import { and, desc, eq } from "drizzle-orm";
import type { Executor } from "../../db/client";
import type { AffiliateContext } from "./affiliates.context";
import { AffiliateErrors } from "./affiliates.errors";
import { pageOf } from "./affiliates.models";
import { affiliatesRepository, olderThan } from "./affiliates.repository";
import {
  affiliateCommissions,
  affiliateFlags,
  affiliateReferrals,
  affiliates,
  type FlagRow,
} from "./affiliates.table";
import type { CommissionsService } from "./commissions.service";

type Actor = { id: string };
type FlagStatus = FlagRow["status"];

const flagView = (f: FlagRow & { code: string; affiliateUserId: string }) => ({
  id: f.id,
  reason: f.reason,
  status: f.status,
  affiliate: { id: f.affiliateId, code: f.code, userId: f.affiliateUserId },
  subject: { userId: f.subjectUserId, referralId: f.referralId },
  details: f.details,
  note: f.note,
  reviewedBy: f.reviewedBy,
  reviewedAt: f.reviewedAt?.toISOString() ?? null,
  createdAt: f.createdAt.toISOString(),
});

export type FraudService = ReturnType<typeof createFraudService>;

export function createFraudService(ctx: AffiliateContext, commissions: CommissionsService) {
  const { db, clock } = ctx;
  const f = affiliateFlags;

  async function decide(tx: Executor, actor: Actor, flagId: string, status: FlagStatus, note: string | null) {
    const [flag] = await tx
      .update(f)
      .set({ status, note, reviewedBy: actor.id, reviewedAt: clock.now() })
      .where(and(eq(f.id, flagId), eq(f.status, "open")))
      .returning();
    if (flag) return flag;
    const [exists] = await tx.select({ status: f.status }).from(f).where(eq(f.id, flagId));
    if (!exists) throw AffiliateErrors.flagNotFound();
    throw AffiliateErrors.flagNotOpen(`It is ${exists.status}`);
  }

  /**
   * A confirmed referral stops being one: no discount, no new commission, and everything it
   * earned is reversed, or clawed back where already paid out.
   */
  async function revokeReferral(tx: Executor, flag: FlagRow): Promise<void> {
    if (!flag.referralId) return;
    await affiliatesRepository(tx).lock(flag.affiliateId);
    await tx
      .update(affiliateReferrals)
      .set({ status: "fraud" })
      .where(eq(affiliateReferrals.id, flag.referralId));
    const orders = await tx
      .selectDistinct({ orderId: affiliateCommissions.orderId })
      .from(affiliateCommissions)
      .where(eq(affiliateCommissions.referralId, flag.referralId));
    await commissions.reverseOrders(
      tx,
      orders.map((o) => o.orderId),
      "fraud",
    );
    await commissions.rejectOverdrawnPayouts(tx, flag.affiliateId, "a referral confirmed as fraud");
  }

  async function review(actor: Actor, flagId: string, verdict: "cleared" | "confirmed", note: string | null) {
    const flag = await db.transaction(async (tx) => {
      const decided = await decide(tx, actor, flagId, verdict, note);
      if (verdict === "confirmed") await revokeReferral(tx, decided);
      await ctx.audit.record(
        {
          actorId: actor.id,
          actorKind: "admin",
          action: verdict === "confirmed" ? "affiliates.flag_confirmed" : "affiliates.flag_cleared",
          subjectType: "affiliate_flag",
          subjectId: decided.id,
          data: {
            reason: decided.reason,
            affiliateId: decided.affiliateId,
            referralId: decided.referralId,
            note,
          },
        },
        tx,
      );
      return decided;
    });
    return (await find(flag.id))!;
  }

  async function find(flagId: string) {
    const [row] = await rowsWhere(eq(f.id, flagId), 1);
    return row ? flagView(row) : undefined;
  }

  function rowsWhere(where: ReturnType<typeof and>, limit: number) {
    return db
      .select({ flag: f, code: affiliates.code, affiliateUserId: affiliates.userId })
      .from(f)
      .innerJoin(affiliates, eq(affiliates.id, f.affiliateId))
      .where(where)
      .orderBy(desc(f.createdAt), desc(f.id))
      .limit(limit)
      .then((rows) => rows.map((r) => ({ ...r.flag, code: r.code, affiliateUserId: r.affiliateUserId })));
  }

  return {
    async list(page: { limit: number; cursor: { createdAt: Date; id: string } | null; status?: FlagStatus }) {
      const rows = await rowsWhere(
        and(page.status ? eq(f.status, page.status) : undefined, olderThan(f, page.cursor)),
        page.limit + 1,
      );
      return pageOf(rows, page, flagView);
    },
    clear: (actor: Actor, flagId: string, note: string | null) => review(actor, flagId, "cleared", note),
    confirm: (actor: Actor, flagId: string, note: string | null) => review(actor, flagId, "confirmed", note),
  };
}
