import { fileURLToPath } from "node:url";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import type { Database } from "./client";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

// Any fixed number works; it only has to be the same for every instance of the service.
const MIGRATION_LOCK_ID = 7_391_002;

/** Applies the committed drizzle-kit migrations; safe when several instances start at once. */
export async function runMigrations(database: Database): Promise<void> {
  if (database.kind === "pglite") {
    await migratePglite(drizzlePglite(database.pglite!), { migrationsFolder: MIGRATIONS_FOLDER });
    return;
  }
  // A session-level advisory lock on one dedicated connection, so two instances starting
  // together do not both apply the same migration.
  const client = new pg.Client({
    connectionString: (database.pool!.options as pg.PoolConfig).connectionString,
  });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
    await migratePg(drizzlePg(client), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => {});
    await client.end();
  }
}

/** True when every committed migration is recorded as applied. */
export async function migrationsApplied(database: Database, expected: number): Promise<boolean> {
  const rows = await database.query<{ n: number }>(
    "select count(*)::int as n from drizzle.__drizzle_migrations",
  );
  return (rows[0]?.n ?? 0) >= expected;
}
