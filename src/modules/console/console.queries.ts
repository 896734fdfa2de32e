import { and, desc, eq, ilike, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { isOnline, ONLINE_WINDOW_MS } from "../devices/devices.models";
import { devices } from "../devices/devices.table";
import { entitlements } from "../entitlements/entitlements.table";
import { executions } from "../executions/executions.table";
import { orders } from "../orders/orders.table";
import { signalRecipients, signals } from "../signals/signals.table";
import { users } from "../users/users.table";

/**
 * The read side of the console: searches and per-entity summaries over other modules' tables
 * (reads across modules are allowed; every write goes through the owning module's service).
 * Lists page by id, newest first; the cursor is the last id of the previous page.
 */
export interface Paged<T> {
  items: T[];
  nextCursor: string | null;
}

function page<T extends { id: string }>(rows: T[], limit: number): Paged<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** "%" and "_" typed by the operator are literal characters, not patterns. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function consoleQueries(db: Executor) {
  const deviceView = (d: typeof devices.$inferSelect, now: Date) => ({
    id: d.id,
    userId: d.userId,
    name: d.name,
    online: d.revokedAt === null && isOnline(d.lastSeenAt, now),
    lastSeenAt: iso(d.lastSeenAt),
    createdAt: d.createdAt.toISOString(),
    revokedAt: iso(d.revokedAt),
    account: d.account,
    client: d.client,
    helloAt: iso(d.helloAt),
  });

  return {
    /**
     * Users by Telegram id (digits), user id (`usr_…`) or username / first name prefix
     * (a leading @ is ignored). An empty query lists everyone.
     */
    async searchUsers(q: string | undefined, limit: number, cursor?: string) {
      const text = (q ?? "").trim().replace(/^@/, "");
      const filters: SQL[] = [];
      if (/^\d{1,15}$/.test(text)) filters.push(eq(users.telegramId, Number(text)));
      else if (/^usr_/i.test(text)) filters.push(eq(users.id, text));
      else if (text) {
        const prefix = `${literal(text)}%`;
        filters.push(or(ilike(users.username, prefix), ilike(users.firstName, prefix))!);
      }
      if (cursor) filters.push(lt(users.id, cursor));
      const rows = await db
        .select()
        .from(users)
        .where(filters.length ? and(...filters) : undefined)
        .orderBy(desc(users.id))
        .limit(limit + 1);
      return page(rows, limit);
    },

    /** A user's plan periods, recent orders, devices (never a secret) and executions. */
    async userDetail(userId: string, now: Date) {
      const [periods, orderRows, deviceRows, executionRows] = await Promise.all([
        db
          .select()
          .from(entitlements)
          .where(eq(entitlements.userId, userId))
          .orderBy(desc(entitlements.startsAt)),
        db.select().from(orders).where(eq(orders.userId, userId)).orderBy(desc(orders.id)).limit(50),
        db.select().from(devices).where(eq(devices.userId, userId)).orderBy(desc(devices.id)),
        db
          .select({ e: executions, instrument: signals.instrument, side: signals.side })
          .from(executions)
          .innerJoin(signals, eq(signals.id, executions.signalId))
          .where(eq(executions.userId, userId))
          .orderBy(desc(executions.ackedAt))
          .limit(50),
      ]);
      return {
        periods: periods.map((p) => ({
          id: p.id,
          tierId: p.tierId,
          level: p.level,
          startsAt: p.startsAt.toISOString(),
          expiresAt: p.expiresAt.toISOString(),
          source: p.sourceKind,
          orderId: p.orderId,
          revokedAt: iso(p.revokedAt),
          active: p.revokedAt === null && p.startsAt <= now && p.expiresAt > now,
        })),
        orders: orderRows.map((o) => ({
          id: o.id,
          tierId: o.tierId,
          months: o.months,
          status: o.status,
          totalMinor: o.totalMinor,
          currency: o.currency,
          provider: o.provider,
          createdAt: o.createdAt.toISOString(),
          paidAt: iso(o.paidAt),
          refundedAt: iso(o.refundedAt),
        })),
        devices: deviceRows.map((d) => deviceView(d, now)),
        executions: executionRows.map(({ e, instrument, side }) => ({
          id: e.id,
          signalId: e.signalId,
          deviceId: e.deviceId,
          instrument,
          side,
          status: e.status,
          price: e.price,
          volume: e.volume,
          errorMessage: e.errorMessage,
          ackedAt: e.ackedAt.toISOString(),
          filledAt: iso(e.filledAt),
          failedAt: iso(e.failedAt),
        })),
      };
    },

    /** Devices across all users; `online` filters by the same window the bot's /stats uses. */
    async listDevices(req: { limit: number; cursor?: string; online?: boolean; userId?: string }, now: Date) {
      const filters: SQL[] = [isNull(devices.revokedAt)];
      if (req.cursor) filters.push(lt(devices.id, req.cursor));
      if (req.userId) filters.push(eq(devices.userId, req.userId));
      const since = new Date(now.getTime() - ONLINE_WINDOW_MS).toISOString();
      if (req.online === true) filters.push(sql`${devices.lastSeenAt} > ${since}::timestamptz`);
      if (req.online === false)
        filters.push(sql`(${devices.lastSeenAt} is null or ${devices.lastSeenAt} <= ${since}::timestamptz)`);
      const rows = await db
        .select()
        .from(devices)
        .where(and(...filters))
        .orderBy(desc(devices.id))
        .limit(req.limit + 1);
      const paged = page(rows, req.limit);
      return { items: paged.items.map((d) => deviceView(d, now)), nextCursor: paged.nextCursor };
    },

    /**
     * Where one signal stands across its audience: decisions, then what the approving users'
     * devices did. A silent device belongs to an approving user and has reported nothing yet.
     */
    async fanout(signalId: string, now: Date) {
      const [signal] = await db.select().from(signals).where(eq(signals.id, signalId));
      if (!signal) return null;
      const [decisions, outcomes, silent] = await Promise.all([
        db
          .select({ decision: signalRecipients.decision, n: sql<number>`count(*)::int` })
          .from(signalRecipients)
          .where(eq(signalRecipients.signalId, signalId))
          .groupBy(signalRecipients.decision),
        db
          .select({ status: executions.status, n: sql<number>`count(*)::int` })
          .from(executions)
          .where(eq(executions.signalId, signalId))
          .groupBy(executions.status),
        db
          .select({ d: devices })
          .from(devices)
          .innerJoin(
            signalRecipients,
            and(
              eq(signalRecipients.userId, devices.userId),
              eq(signalRecipients.signalId, signalId),
              eq(signalRecipients.decision, "approved"),
            ),
          )
          .where(
            and(
              isNull(devices.revokedAt),
              sql`not exists (select 1 from ${executions} x where x.signal_id = ${signalId} and x.device_id = ${devices.id})`,
            ),
          )
          .orderBy(devices.id)
          .limit(101),
      ]);
      const byDecision = Object.fromEntries(decisions.map((r) => [r.decision, Number(r.n)]));
      const byStatus = Object.fromEntries(outcomes.map((r) => [r.status, Number(r.n)]));
      const acked = (byStatus.acked ?? 0) + (byStatus.filled ?? 0) + (byStatus.failed ?? 0);
      return {
        signalId,
        recipients: signal.recipientCount,
        pending: byDecision.pending ?? 0,
        approved: byDecision.approved ?? 0,
        rejected: byDecision.rejected ?? 0,
        acked,
        filled: byStatus.filled ?? 0,
        failed: byStatus.failed ?? 0,
        silentDevices: silent.slice(0, 100).map(({ d }) => deviceView(d, now)),
        silentTruncated: silent.length > 100,
      };
    },
  };
}

export type ConsoleQueries = ReturnType<typeof consoleQueries>;
