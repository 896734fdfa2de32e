import { and, asc, desc, eq, exists, gt, inArray, isNull, lt, lte, type SQL, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import type { Level } from "../catalog/catalog.models";
import { catalogTiers, type TierRow } from "../catalog/catalog.table";
import { resolveAccess } from "../entitlements/entitlements.models";
import { entitlements } from "../entitlements/entitlements.table";
import type { Features } from "../users/users.models";
import { users } from "../users/users.table";
import type { Decision } from "./signals.models";
import {
  type RecipientRow,
  type SignalRow,
  type SignalUpdateRow,
  signalRecipients,
  signals,
  signalUpdates,
} from "./signals.table";

export type NewSignal = typeof signals.$inferInsert;
export type SignalWithDecision = SignalRow & { decision: Decision | null };

export interface EntitledUser {
  userId: string;
  tier: Level;
  features: Features;
  autoApprove: boolean;
}

export function signalsRepository(db: Executor) {
  // An entry is deliverable while it is neither cancelled, expired nor withdrawn by a close.
  const open = (now: Date) =>
    and(isNull(signals.cancelledAt), gt(signals.expiresAt, now), eq(signals.positionStatus, "open"));

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
    /**
     * All recipients in one statement with two array parameters: thousands of rows bound as
     * separate parameters cost far more to build and parse than the insert itself.
     */
    async insertRecipients(signalId: string, now: Date, recipients: { userId: string; auto: boolean }[]) {
      if (recipients.length === 0) return;
      const userIds = `{${recipients.map((r) => r.userId).join(",")}}`;
      const autos = `{${recipients.map((r) => (r.auto ? "t" : "f")).join(",")}}`;
      await db.execute(sql`
        insert into ${signalRecipients} (signal_id, user_id, decision, decided_at, auto)
        select ${signalId}, r.user_id, case when r.auto then 'approved' else 'pending' end,
          case when r.auto then ${now.toISOString()}::timestamptz end, r.auto
        from unnest(${userIds}::text[], ${autos}::boolean[]) as r(user_id, auto)`);
    },

    /** Every user with an active period, resolved to their tier and features at `now`. */
    async entitledUsers(now: Date): Promise<EntitledUser[]> {
      const rows = await db
        .select({
          userId: entitlements.userId,
          tierId: entitlements.tierId,
          startsAt: entitlements.startsAt,
          expiresAt: entitlements.expiresAt,
          revokedAt: entitlements.revokedAt,
          autoApprove: users.autoApprove,
        })
        .from(entitlements)
        .innerJoin(users, eq(users.id, entitlements.userId))
        .where(
          and(
            isNull(entitlements.revokedAt),
            lte(entitlements.startsAt, now),
            gt(entitlements.expiresAt, now),
          ),
        );
      const tierIds = [...new Set(rows.map((r) => r.tierId))];
      const tierRows = tierIds.length
        ? await db.select().from(catalogTiers).where(inArray(catalogTiers.id, tierIds))
        : [];
      const tiers = new Map<string, TierRow>(tierRows.map((t) => [t.id, t]));
      const byUser = new Map<string, { periods: typeof rows; autoApprove: boolean }>();
      for (const row of rows) {
        const entry = byUser.get(row.userId);
        if (entry) entry.periods.push(row);
        else byUser.set(row.userId, { periods: [row], autoApprove: row.autoApprove });
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

    /** Each signal's updates, in seq order. */
    async updatesOf(signalIds: string[]): Promise<Map<string, SignalUpdateRow[]>> {
      const bySignal = new Map<string, SignalUpdateRow[]>();
      if (signalIds.length === 0) return bySignal;
      const rows = await db
        .select()
        .from(signalUpdates)
        .where(inArray(signalUpdates.signalId, signalIds))
        .orderBy(asc(signalUpdates.signalId), asc(signalUpdates.seq));
      for (const row of rows) bySignal.set(row.signalId, [...(bySignal.get(row.signalId) ?? []), row]);
      return bySignal;
    },
    async findUpdateByExternalId(scope: string, externalId: string): Promise<SignalUpdateRow | undefined> {
      const [row] = await db
        .select()
        .from(signalUpdates)
        .where(and(eq(signalUpdates.publisherScope, scope), eq(signalUpdates.externalId, externalId)))
        .limit(1);
      return row;
    },
    /** The signal row, locked until the transaction ends: updates of one signal take turns. */
    async lockForUpdate(id: string): Promise<SignalRow | undefined> {
      const [row] = await db.select().from(signals).where(eq(signals.id, id)).for("update");
      return row;
    },
    async recordUpdate(signal: Partial<SignalRow> & { id: string }, update: SignalUpdateRow) {
      const [row] = await db.update(signals).set(signal).where(eq(signals.id, signal.id)).returning();
      // Undefined when (scope, externalId) was taken meanwhile: the caller rolls back and replays.
      const [inserted] = await db.insert(signalUpdates).values(update).onConflictDoNothing().returning();
      return inserted && { signal: row!, update: inserted };
    },
    async openPositions(opts: { instrument?: string; limit: number }): Promise<SignalRow[]> {
      return db
        .select()
        .from(signals)
        .where(
          and(
            eq(signals.positionStatus, "open"),
            isNull(signals.cancelledAt),
            opts.instrument ? eq(signals.instrument, opts.instrument) : undefined,
          ),
        )
        .orderBy(desc(signals.id))
        .limit(opts.limit);
    },
    /** A publisher's newest signal on an instrument whose position is still open (alert webhooks). */
    async latestOpenPosition(scope: string, instrument: string): Promise<SignalRow | undefined> {
      const [row] = await db
        .select()
        .from(signals)
        .where(
          and(
            eq(signals.publisherScope, scope),
            eq(signals.instrument, instrument),
            eq(signals.positionStatus, "open"),
            isNull(signals.cancelledAt),
          ),
        )
        .orderBy(desc(signals.id))
        .limit(1);
      return row;
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

    /**
     * Approved recipients of open signals: what the delivery index is rebuilt from, and what an
     * instance loads when another one publishes. The open signals are read once and each row
     * shares its signal's object: a signal approved for 20,000 subscribers joined into every
     * recipient row cost 20,000 copies of it (~5× the time of this narrow read, on the instance
     * whose parked polls wait for it; bench/scenarios/scaleout.ts). The recipients come grouped
     * by decision time, their ids as one JSON array each (a publish approves every auto-approving
     * subscriber at one instant): 20,000 recipients read as rows cost ~30–60 ms of the instance's
     * CPU warm (a Date and a row mapping each), as one group ~3 ms (docs/perf/scaleout.md).
     */
    async openApprovals(now: Date, filter: { signalId?: string; userIds?: string[] } = {}) {
      const openSignals = await db
        .select()
        .from(signals)
        .where(and(open(now), filter.signalId ? eq(signals.id, filter.signalId) : undefined));
      if (openSignals.length === 0) return [];
      const byId = new Map(openSignals.map((s) => [s.id, s]));
      const groups = await db
        .select({
          signalId: signalRecipients.signalId,
          decidedAt: signalRecipients.decidedAt,
          userIds: sql<string[]>`json_agg(${signalRecipients.userId})`,
        })
        .from(signalRecipients)
        .where(
          and(
            eq(signalRecipients.decision, "approved"),
            inArray(signalRecipients.signalId, [...byId.keys()]),
            filter.userIds ? inArray(signalRecipients.userId, filter.userIds) : undefined,
          ),
        )
        .groupBy(signalRecipients.signalId, signalRecipients.decidedAt);
      const rows: { signal: SignalRow; userId: string; decidedAt: Date | null }[] = [];
      for (const g of groups) {
        const signal = byId.get(g.signalId)!;
        for (const userId of g.userIds) rows.push({ signal, userId, decidedAt: g.decidedAt });
      }
      return rows;
    },
  };
}
