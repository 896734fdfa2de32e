import pg from "pg";
import { type Database, openPglite, openPostgres } from "../../src/db/client";
import { runMigrations } from "../../src/db/migrate";

const holder = globalThis as { __signaldeskTestDb?: Promise<Database> };

async function freshPostgresDatabase(baseUrl: string): Promise<Database> {
  const url = new URL(baseUrl);
  const name = `${url.pathname.slice(1) || "test"}_sd_w${process.env.VITEST_POOL_ID ?? "0"}`;
  // Connect to the maintenance database, so the base database named in the URL need not exist.
  const adminUrl = new URL(baseUrl);
  adminUrl.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  return openPostgres(url.toString(), 20);
}

/**
 * The migrated database of this test worker: in-memory PGlite, or a fresh database on the
 * server named by TEST_DATABASE_URL (one per worker, so workers never share tables).
 */
export function testDatabase(): Promise<Database> {
  holder.__signaldeskTestDb ??= (async () => {
    const url = process.env.TEST_DATABASE_URL;
    const database = url ? await freshPostgresDatabase(url) : await openPglite();
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
