import { and, desc, eq, exists, gt, inArray, isNull, lt, lte, type SQL, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { catalogTiers, type TierRow } from "../catalog/catalog.table";
import { resolveAccess } from "../entitlements/entitlements.models";
import { entitlements } from "../entitlements/entitlements.table";
import type { Features, Level } from "../users/users.models";
import { users } from "../users/users.table";
import type { Decision } from "./signals.models";
import { type RecipientRow, type SignalRow, signalRecipients, signals } from "./signals.table";

export type NewSignal = typeof signals.$inferInsert;
export type SignalWithDecision = SignalRow & { decision: Decision | null };

export interface EntitledUser {
  userId: string;
  tier: Level;
  features: Features;
  autoApprove: boolean;
}

// PostgreSQL takes at most 65,535 parameters per statement; recipients have 5 columns.
const RECIPIENT_BATCH = 5_000;

export function signalsRepository(db: Executor) {
  const open = (now: Date) => and(isNull(signals.cancelledAt), gt(signals.expiresAt, now));

  return {
    async findById(id: string): Promise<SignalRow | undefined> {
      const [row] = await db.select().from(signals).where(eq(signals.id, id)).limit(1);
      return row;
    },
    async findByExternalId(scope: string, externalId: string): Promise<SignalRow | undefined> {
      const [row] = await db
        .select()
        .from(signals)
        .where(and(eq(signals.publisherScope, scope), eq(signals.externalId, externalId)))
        .limit(1);
      return row;
    },
    /** Undefined when the (scope, externalId) pair was taken, possibly by a concurrent publish. */
    async insertUnlessDuplicate(row: NewSignal): Promise<SignalRow | undefined> {
      const [inserted] = await db.insert(signals).values(row).onConflictDoNothing().returning();
      return inserted;
    },
    async insertRecipients(rows: (typeof signalRecipients.$inferInsert)[]): Promise<void> {
      for (let i = 0; i < rows.length; i += RECIPIENT_BATCH) {
        await db.insert(signalRecipients).values(rows.slice(i, i + RECIPIENT_BATCH));
      }
    },

    /** Every user with an active period, resolved to their tier and features at `now`. */
    async entitledUsers(now: Date): Promise<EntitledUser[]> {
      const rows = await db
        .select({ period: entitlements, tier: catalogTiers, autoApprove: users.autoApprove })
        .from(entitlements)
        .innerJoin(catalogTiers, eq(catalogTiers.id, entitlements.tierId))
        .innerJoin(users, eq(users.id, entitlements.userId))
        .where(
          and(
            isNull(entitlements.revokedAt),
            lte(entitlements.startsAt, now),
            gt(entitlements.expiresAt, now),
          ),
        );
      const byUser = new Map<string, { periods: (typeof rows)[number]["period"][]; autoApprove: boolean }>();
      const tiers = new Map<string, TierRow>();
      for (const row of rows) {
        tiers.set(row.tier.id, row.tier);
        const entry = byUser.get(row.period.userId) ?? { periods: [], autoApprove: row.autoApprove };
        entry.periods.push(row.period);
        byUser.set(row.period.userId, entry);
      }
      return [...byUser].map(([userId, { periods, autoApprove }]) => ({
        userId,
        autoApprove,
        ...resolveAccess(periods, tiers, now),
      }));
    },

    async recipient(signalId: string, userId: string): Promise<RecipientRow | undefined> {
      const [row] = await db
        .select()
        .from(signalRecipients)
        .where(and(eq(signalRecipients.signalId, signalId), eq(signalRecipients.userId, userId)))
        .limit(1);
      return row;
    },
    /** The decision is taken once, and only while the signal is open: the database settles races. */
    async decide(signalId: string, userId: string, decision: Decision, now: Date) {
      const [row] = await db
        .update(signalRecipients)
        .set({ decision, decidedAt: now })
        .where(
          and(
            eq(signalRecipients.signalId, signalId),
            eq(signalRecipients.userId, userId),
            eq(signalRecipients.decision, "pending"),
            exists(
              db
                .select({ one: sql`1` })
                .from(signals)
                .where(and(eq(signals.id, signalId), open(now))),
            ),
          ),
        )
        .returning();
      return row;
    },
    async cancel(id: string, by: string, now: Date): Promise<SignalRow | undefined> {
      const [row] = await db
        .update(signals)
        .set({ cancelledAt: now, cancelledBy: by })
        .where(and(eq(signals.id, id), open(now)))
        .returning();
      return row;
    },

    /** Newest first; a user sees the signals addressed to them, an admin sees all. */
    async list(viewer: { id: string; all: boolean }, opts: { before?: string; limit: number; id?: string }) {
      const mine = and(eq(signalRecipients.signalId, signals.id), eq(signalRecipients.userId, viewer.id));
      const where: (SQL | undefined)[] = [
        opts.before ? lt(signals.id, opts.before) : undefined,
        opts.id ? eq(signals.id, opts.id) : undefined,
      ];
      const query = db.select({ signal: signals, decision: signalRecipients.decision }).from(signals);
      const joined = viewer.all
        ? query.leftJoin(signalRecipients, mine)
        : query.innerJoin(signalRecipients, mine);
      const rows = await joined
        .where(and(...where))
        .orderBy(desc(signals.id))
        .limit(opts.limit);
      return rows.map((r): SignalWithDecision => ({ ...r.signal, decision: r.decision }));
    },

    /** Per signal: how many recipients approved, rejected, or have not decided. */
    async decisionCounts(signalIds: string[]) {
      if (signalIds.length === 0) return new Map<string, Record<Decision, number>>();
      const rows = await db
        .select({
          signalId: signalRecipients.signalId,
          decision: signalRecipients.decision,
          n: sql<number>`count(*)::int`,
        })
        .from(signalRecipients)
        .where(inArray(signalRecipients.signalId, signalIds))
        .groupBy(signalRecipients.signalId, signalRecipients.decision);
      const counts = new Map<string, Record<Decision, number>>();
      for (const r of rows) {
        const c = counts.get(r.signalId) ?? { pending: 0, approved: 0, rejected: 0 };
        c[r.decision] = r.n;
        counts.set(r.signalId, c);
      }
      return counts;
    },

    /** Approved recipients of open signals: what the delivery index is rebuilt from. */
    async openApprovals(now: Date, filter: { signalId?: string; userIds?: string[] } = {}) {
      return db
        .select({ signal: signals, userId: signalRecipients.userId, decidedAt: signalRecipients.decidedAt })
        .from(signalRecipients)
        .innerJoin(signals, eq(signals.id, signalRecipients.signalId))
        .where(
          and(
            eq(signalRecipients.decision, "approved"),
            open(now),
            filter.signalId ? eq(signals.id, filter.signalId) : undefined,
            filter.userIds ? inArray(signalRecipients.userId, filter.userIds) : undefined,
          ),
        );
    },
  };
}
