import { and, eq, gt, inArray, isNull, lte } from "drizzle-orm";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import { DAY_MS } from "../entitlements/entitlements.models";
import { type EntitlementRow, entitlements } from "../entitlements/entitlements.table";
import { orders } from "../orders/orders.table";
import { users } from "../users/users.table";
import { ENDED_NOTICE_WINDOW_MS, type NoticeKind, noticesDue, REMINDER_DAYS } from "./renewals.models";
import { renewalNotices } from "./renewals.table";

export type RenewalsService = ReturnType<typeof createRenewalsService>;

/** A notice due to one person about one plan, with what its message and renew button need. */
export interface RenewalNotice {
  kind: NoticeKind;
  userId: string;
  chatId: number;
  locale: string | null;
  languageCode: string | null;
  tierId: string;
  level: EntitlementRow["level"];
  endsAt: Date;
  /** The period that ends the plan: the notice is recorded against it. */
  entitlementId: string;
  /** The months of the order that paid for that period (a one-tap renewal of the same plan), if any. */
  months: number | null;
}

/**
 * Which plans renew by themselves and so get no reminders: the subscriptions module answers
 * (`subscriptionsAutoRenewal`: Stripe Billing and Telegram Star subscriptions). Given the
 * periods that end plans, it answers the ids of those whose plan will renew.
 */
export interface AutoRenewal {
  renewing(lastPeriods: EntitlementRow[]): Promise<Set<string>>;
}

const LONGEST_REMINDER_MS = Math.max(...REMINDER_DAYS) * DAY_MS;

/**
 * The renewal lifecycle of plans that do not renew: what is due now (`due`), and recording a
 * notice as sent in the transaction that queues its message (`send`), so each goes out once.
 */
export function createRenewalsService(deps: { db: Executor; clock: Clock; autoRenewal: AutoRenewal }) {
  const { db, clock, autoRenewal } = deps;

  /** Reachable users with an unrevoked period ending inside the notice windows. */
  async function candidates(now: Date) {
    return db
      .selectDistinct({
        userId: users.id,
        chatId: users.telegramId,
        locale: users.locale,
        languageCode: users.languageCode,
      })
      .from(entitlements)
      .innerJoin(users, eq(users.id, entitlements.userId))
      .where(
        and(
          isNull(entitlements.revokedAt),
          isNull(users.unreachableAt),
          gt(entitlements.expiresAt, new Date(now.getTime() - ENDED_NOTICE_WINDOW_MS)),
          lte(entitlements.expiresAt, new Date(now.getTime() + LONGEST_REMINDER_MS)),
        ),
      );
  }

  return {
    /** The notices due now and not sent yet, for plans that do not renew by themselves. */
    async due(): Promise<RenewalNotice[]> {
      const now = clock.now();
      const people = await candidates(now);
      if (people.length === 0) return [];
      const periods = await db
        .select()
        .from(entitlements)
        .where(
          and(
            inArray(
              entitlements.userId,
              people.map((p) => p.userId),
            ),
            isNull(entitlements.revokedAt),
          ),
        );
      const rows = new Map(periods.map((p) => [p.id, p]));
      const due = people.flatMap((person) =>
        noticesDue(
          periods.filter((p) => p.userId === person.userId),
          now,
        ).map(({ chain, kind }) => ({ person, last: rows.get(chain.last.id)!, kind })),
      );
      if (due.length === 0) return [];
      const lastIds = due.map((d) => d.last.id);
      const sent = await db
        .select({ entitlementId: renewalNotices.entitlementId, kind: renewalNotices.kind })
        .from(renewalNotices)
        .where(inArray(renewalNotices.entitlementId, lastIds));
      const sentKeys = new Set(sent.map((s) => `${s.entitlementId}:${s.kind}`));
      const renewing = await autoRenewal.renewing(due.map((d) => d.last));
      const orderIds = due.flatMap((d) => (d.last.orderId ? [d.last.orderId] : []));
      const months = new Map(
        orderIds.length === 0
          ? []
          : (
              await db
                .select({ id: orders.id, months: orders.months })
                .from(orders)
                .where(inArray(orders.id, orderIds))
            ).map((o) => [o.id, o.months]),
      );
      return due
        .filter((d) => !sentKeys.has(`${d.last.id}:${d.kind}`) && !renewing.has(d.last.id))
        .map(({ person, last, kind }) => ({
          kind,
          ...person,
          tierId: last.tierId,
          level: last.level,
          endsAt: last.expiresAt,
          entitlementId: last.id,
          months: last.orderId ? (months.get(last.orderId) ?? null) : null,
        }));
    },

    /**
     * Records the notices as sent and hands the ones this call claimed to `deliver`, in one
     * transaction: a notice another run (or instance) recorded first is not delivered again,
     * and a failed delivery leaves it unrecorded for the next run.
     */
    async send(
      notices: RenewalNotice[],
      deliver: (tx: Executor, claimed: RenewalNotice[]) => Promise<unknown>,
    ): Promise<number> {
      if (notices.length === 0) return 0;
      const sentAt = clock.now();
      return db.transaction(async (tx) => {
        const inserted = await tx
          .insert(renewalNotices)
          .values(
            notices.map((n) => ({ entitlementId: n.entitlementId, kind: n.kind, userId: n.userId, sentAt })),
          )
          .onConflictDoNothing()
          .returning({ entitlementId: renewalNotices.entitlementId, kind: renewalNotices.kind });
        const claimedKeys = new Set(inserted.map((r) => `${r.entitlementId}:${r.kind}`));
        const claimed = notices.filter((n) => claimedKeys.has(`${n.entitlementId}:${n.kind}`));
        if (claimed.length > 0) await deliver(tx, claimed);
        return claimed.length;
      });
    },
  };
}
