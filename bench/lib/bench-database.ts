import pg from "pg";

/** The PostgreSQL variants' default database; `freshBenchDatabase` drops and creates it for each run. */
export const BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench";

/**
 * Runs `work` on a connection to the server's `postgres` database (where databases are created
 * and dropped) with the name of `url`'s database; null when no PostgreSQL server answers.
 */
async function asServerAdmin<T>(
  url: string,
  work: (admin: pg.Client, dbName: string) => Promise<T>,
): Promise<T | null> {
  const admin = new pg.Client({ connectionString: url.replace(/\/[^/]*$/, "/postgres") });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  try {
    return await work(admin, new URL(url).pathname.slice(1));
  } finally {
    await admin.end();
  }
}

/** A fresh, empty bench database, or null when no PostgreSQL server answers. */
export function freshBenchDatabase(url = BENCH_DATABASE_URL): Promise<string | null> {
  return asServerAdmin(url, async (admin, dbName) => {
    await admin.query(`drop database if exists "${dbName}" with (force)`);
    await admin.query(`create database "${dbName}"`);
    return url;
  });
}

/**
 * A bench database kept from run to run and emptied (every application table truncated), or
 * null when no PostgreSQL server answers. Dropping and creating the database each run made the
 * same code measure 2,299-3,697 fills/s within minutes (docs/perf/fills.md): the server was
 * still writing out the dropped database's pages and WAL while the next run measured. A
 * checkpoint after the truncation starts each run with nothing of the previous one to flush.
 * Created on first use; its name must be the bench's own, never a test database.
 */
export async function reusedBenchDatabase(url: string): Promise<string | null> {
  const created = await asServerAdmin(url, async (admin, dbName) => {
    const exists = await admin.query("select 1 from pg_database where datname = $1", [dbName]);
    if (exists.rowCount === 0) await admin.query(`create database "${dbName}"`);
    return true;
  });
  if (!created) return null;
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    // Migrations bookkeeping lives in its own schema: the app's start finds them applied.
    const { rows } = await db.query<{ tablename: string }>(
      "select tablename from pg_tables where schemaname = 'public'",
    );
    if (rows.length > 0) {
      const list = rows.map((r) => `"public"."${r.tablename}"`).join(", ");
      await db.query(`truncate ${list} restart identity cascade`);
    }
    await db.query("checkpoint");
  } finally {
    await db.end();
  }
  return url;
}
