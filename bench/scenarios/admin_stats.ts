import { sql } from "drizzle-orm";
import { freshBenchDatabase } from "../lib/bench-database";
import { percentile } from "../lib/relay-fixtures";
import { round, startApp } from "../support";

export const name = "admin_stats";

const DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_admin_stats";

/**
 * SPEC.md §Speed 10: the console's overview, `GET /api/v1/admin/stats?days=90`, over 100,000
 * paid orders (spread over 120 days, four currencies) and 20,000 users with a plan period each
 * (some lapsed, so churn has work), on PostgreSQL. Requests go one after another through the
 * full app (admin bearer token, validation, the aggregate queries, the response schema).
 */
export async function run({ smoke }: { smoke: boolean }): Promise<Record<string, unknown>> {
  const databaseUrl = await freshBenchDatabase(DATABASE_URL);
  if (!databaseUrl) return { skipped: `no PostgreSQL server at ${DATABASE_URL}` };
  const users = smoke ? 500 : 20_000;
  const orders = smoke ? 2_000 : 100_000;
  const requests = smoke ? 5 : 60;
  const app = await startApp({ databaseUrl });
  try {
    const { db } = app.deps;
    const tiers = (await app.deps.catalog.view()).categories[0]!.products[0]!.tiers;
    const tierIds = sql.raw(`array[${tiers.map((t) => `'${t.id}'`).join(",")}]`);
    await db.execute(sql`
      insert into users (id, telegram_id, username, first_name, role, auto_approve, created_at, updated_at)
      select 'usr_bench' || g, 800000000 + g, 'bench' || g, 'Bench', 'user', false,
             now() - (g % 120) * interval '1 day', now()
      from generate_series(1, ${users}) g`);
    await db.execute(sql`
      insert into entitlements (id, user_id, tier_id, level, starts_at, expires_at, source_kind, created_at)
      select 'ent_bench' || g, 'usr_bench' || g, (${tierIds})[1 + g % 3],
             (array['premium', 'vip', 'enterprise'])[1 + g % 3],
             now() - interval '40 days', now() + ((g % 80) - 20) * interval '1 day', 'admin', now()
      from generate_series(1, ${users}) g`);
    await db.execute(sql`
      insert into orders (id, user_id, tier_id, months, region, status, quote, total_minor, currency,
                          fx_rate, provider, created_at, expires_at, paid_at)
      select 'ord_bench' || g, 'usr_bench' || (1 + g % ${users}), (${tierIds})[1 + g % 3], 1,
             (array['GB', 'EU', 'US', 'ASIA'])[1 + g % 4], 'paid', '{}'::jsonb, 2900 + g % 17000,
             (array['GBP', 'EUR', 'USD', 'SGD'])[1 + g % 4], (array['1', '1.17', '1.27', '1.71'])[1 + g % 4],
             'manual', paid, paid + interval '1 day', paid
      from (select g, now() - (g % 120) * interval '1 day' - (g % 86400) * interval '1 second' as paid
            from generate_series(1, ${orders}) g) o`);
    await db.execute(sql`analyze`);
    const { user } = await app.deps.users.ensureFromTelegram({ telegramId: 1, username: "bench_admin" });
    await app.deps.users.grantAdmin(user.id);
    const headers = { authorization: `Bearer ${await app.deps.tokens.issue(user.id)}` };
    const url = `${app.url}/api/v1/admin/stats?days=90`;
    const once = async () => {
      const t0 = performance.now();
      const res = await fetch(url, { headers });
      const body = (await res.json()) as { revenue?: unknown[] };
      if (res.status !== 200 || !Array.isArray(body.revenue)) throw new Error(`stats answered ${res.status}`);
      return performance.now() - t0;
    };
    for (let i = 0; i < (smoke ? 1 : 5); i++) await once();
    const times: number[] = [];
    for (let i = 0; i < requests; i++) times.push(await once());
    times.sort((a, b) => a - b);
    return {
      orders,
      users,
      requests,
      p50Ms: round(percentile(times, 50), 1),
      p95Ms: round(percentile(times, 95), 1),
      maxMs: round(times.at(-1)!, 1),
    };
  } finally {
    await app.close();
  }
}
