import pg from "pg";
import { type Database, openPglite, openPostgres } from "../../src/db/client";
import { runMigrations } from "../../src/db/migrate";

const holder = globalThis as { __signaldeskTestDb?: Promise<Database> };

/**
 * An empty database `<base>_<suffix>` on the server `baseUrl` names, created through the
 * maintenance database (so the base database itself need not exist), and a way to drop it.
 */
export async function freshServerDatabase(
  baseUrl: string,
  suffix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const url = new URL(baseUrl);
  const name = `${url.pathname.slice(1) || "test"}_${suffix}`;
  const adminUrl = new URL(baseUrl);
  adminUrl.pathname = "/postgres";
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl.toString() });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`drop database if exists "${name}" with (force)`);
  await admin(`create database "${name}"`);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists "${name}" with (force)`) };
}

/**
 * The migrated database of this test worker: in-memory PGlite, or a fresh database on the
 * server named by TEST_DATABASE_URL (one per worker, so workers never share tables).
 */
export function testDatabase(): Promise<Database> {
  holder.__signaldeskTestDb ??= (async () => {
    const url = process.env.TEST_DATABASE_URL;
    const database = url
      ? await openPostgres(
          (await freshServerDatabase(url, `sd_w${process.env.VITEST_POOL_ID ?? "0"}`)).url,
          20,
        )
      : await openPglite();
    await runMigrations(database);
    return database;
  })();
  return holder.__signaldeskTestDb;
}

/**
 * Waits until no other session is working in this database: a statement or an open transaction
 * left by the previous test (an update handler, a reaction, a request that outlived a timeout)
 * holds locks on some tables and wants others, so TRUNCATE, which locks every table, deadlocks
 * with it. Names the leftover work when it does not end: the test that left it needs fixing.
 */
async function untilQuiet(database: Database, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const busy = await database.query<{ state: string; query: string }>(
      `select state, query from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()
          and backend_type = 'client backend' and state <> 'idle'`,
    );
    if (busy.length === 0) return;
    if (Date.now() > deadline) {
      const what = busy.map((b) => `[${b.state}] ${b.query.slice(0, 200)}`).join("; ");
      throw new Error(`resetDatabase: the previous test left work running in the database: ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Empties every application table (migrations bookkeeping lives in its own schema). */
export async function resetDatabase(
  database: Database,
  opts: { quietTimeoutMs?: number } = {},
): Promise<void> {
  const rows = await database.query<{ tablename: string }>(
    "select tablename from pg_tables where schemaname = 'public'",
  );
  if (rows.length === 0) return;
  if (database.kind === "postgres") await untilQuiet(database, opts.quietTimeoutMs);
  const list = rows.map((r) => `"public"."${r.tablename}"`).join(", ");
  await database.query(`truncate ${list} restart identity cascade`);
}
