import { sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { PAID_LEVELS, type PaidLevel } from "../catalog/catalog.models";
import { ONLINE_WINDOW_MS } from "../devices/devices.models";

export interface AdminStats {
  days: number;
  from: string;
  revenue: { day: string; currency: string; amountMinor: number }[];
  revenueGbpMinor: number;
  activeSubscribers: Record<PaidLevel, number>;
  newUsers: number;
  churned: number;
  devicesOnline: number;
  signals: { published: number; approved: number; filled: number; failed: number };
}

const DAY_MS = 86_400_000;

async function rows<T>(db: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** The first instant counted for `days` whole UTC days ending today (days=1 is today so far). */
export function windowStart(now: Date, days: number): Date {
  return new Date((Math.floor(now.getTime() / DAY_MS) - (days - 1)) * DAY_MS);
}

/**
 * The console's overview (API §15), read-only aggregates over other modules' tables. Revenue is
 * paid orders (a refunded order no longer counts) by UTC day and currency, plus the total in
 * GBP at each order's locked rate, rounded like every amount. A subscriber counts once, at
 * the highest tier they hold now. Churned = users whose last period ended in the window and
 * who hold none now.
 */
/** The paid levels as a SQL text array, lowest first, for ranking rows by level. */
const LEVELS_ARRAY = sql`array[${sql.join(
  PAID_LEVELS.map((level) => sql`${level}`),
  sql`, `,
)}]::text[]`;

export async function adminStats(db: Executor, now: Date, days: number): Promise<AdminStats> {
  const from = windowStart(now, days);
  const nowIso = now.toISOString();
  const fromIso = from.toISOString();
  const onlineSince = new Date(now.getTime() - ONLINE_WINDOW_MS).toISOString();
  const [revenue, tiers, counts] = await Promise.all([
    // One pass over the window's paid orders (orders_paid_revenue_idx holds every column read):
    // per day and currency, the amount and its GBP value (gbp_minor, rounded per order).
    rows<{ day: string; currency: string; amount: string | number; gbp: string | number }>(
      db,
      sql`select to_char(day, 'YYYY-MM-DD') as day, currency, amount, gbp
          from (select date_trunc('day', paid_at at time zone 'UTC') as day, currency,
                  sum(total_minor) as amount,
                  sum(gbp_minor) as gbp
                from orders
                where status = 'paid' and paid_at >= ${fromIso}::timestamptz
                  and paid_at <= ${nowIso}::timestamptz
                group by 1, 2) per_day
          order by 1, 2`,
    ),
    // Each subscriber counted once, at the highest level held (PAID_LEVELS is lowest first).
    rows<{ top: string | number; n: string | number }>(
      db,
      sql`select top, count(*) as n
          from (select user_id, max(array_position(${LEVELS_ARRAY}, level)) as top
                from entitlements
                where revoked_at is null and starts_at <= ${nowIso}::timestamptz
                  and expires_at > ${nowIso}::timestamptz
                group by user_id) held
          group by 1`,
    ),
    rows<Record<string, string | number>>(
      db,
      sql`select
          (select count(*) from users where created_at >= ${fromIso}::timestamptz) as new_users,
          (select count(distinct e.user_id) from entitlements e
             where coalesce(e.revoked_at, e.expires_at) >= ${fromIso}::timestamptz
               and coalesce(e.revoked_at, e.expires_at) <= ${nowIso}::timestamptz
               and not exists (select 1 from entitlements a
                 where a.user_id = e.user_id and a.revoked_at is null
                   and a.starts_at <= ${nowIso}::timestamptz and a.expires_at > ${nowIso}::timestamptz)
          ) as churned,
          (select count(*) from devices
             where revoked_at is null and last_seen_at > ${onlineSince}::timestamptz) as devices_online,
          (select count(*) from signals where created_at >= ${fromIso}::timestamptz) as published,
          (select count(*) from signal_recipients
             where decision = 'approved' and decided_at >= ${fromIso}::timestamptz) as approved,
          (select count(*) from executions where filled_at >= ${fromIso}::timestamptz) as filled,
          (select count(*) from executions where failed_at >= ${fromIso}::timestamptz) as failed`,
    ),
  ]);
  const c = counts[0] ?? {};
  const n = (v: unknown) => Number(v ?? 0);
  const active = Object.fromEntries(PAID_LEVELS.map((level) => [level, 0])) as Record<PaidLevel, number>;
  for (const t of tiers) {
    const level = PAID_LEVELS[n(t.top) - 1];
    if (level) active[level] = n(t.n);
  }
  return {
    days,
    from: fromIso,
    revenue: revenue.map((r) => ({ day: r.day, currency: r.currency, amountMinor: n(r.amount) })),
    revenueGbpMinor: revenue.reduce((sum, r) => sum + n(r.gbp), 0),
    activeSubscribers: active,
    newUsers: n(c.new_users),
    churned: n(c.churned),
    devicesOnline: n(c.devices_online),
    signals: { published: n(c.published), approved: n(c.approved), filled: n(c.filled), failed: n(c.failed) },
  };
}
