import pg from "pg";

/**
 * A bench database kept from run to run and emptied (every application table truncated), or
 * null when no PostgreSQL server answers. Dropping and creating the database each run made the
 * same code measure 2,299-3,697 fills/s within minutes (docs/perf/fills.md): the server was
 * still writing out the dropped database's pages and WAL while the next run measured. A
 * checkpoint after the truncation starts each run with nothing of the previous one to flush.
 * Created on first use; its name must be the bench's own, never a test database.
 */
export async function reusedBenchDatabase(url: string): Promise<string | null> {
  const dbName = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: url.replace(/\/[^/]*$/, "/postgres") });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  try {
    const exists = await admin.query("select 1 from pg_database where datname = $1", [dbName]);
    if (exists.rowCount === 0) await admin.query(`create database "${dbName}"`);
  } finally {
    await admin.end();
  }
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
