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

/** Empties every application table (migrations bookkeeping lives in its own schema). */
export async function resetDatabase(database: Database): Promise<void> {
  const rows = await database.query<{ tablename: string }>(
    "select tablename from pg_tables where schemaname = 'public'",
  );
  if (rows.length === 0) return;
  const list = rows.map((r) => `"public"."${r.tablename}"`).join(", ");
  await database.query(`truncate ${list} restart identity cascade`);
}
