import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { resetDatabase, testDatabase } from "./support/db";

const connectionString = (database: Database) => (database.pool!.options as pg.PoolConfig).connectionString!;

type Database = Awaited<ReturnType<typeof testDatabase>>;
let database: Database;
// Migrating a fresh database takes a while on a busy machine: a hook's time, not a test's.
beforeAll(async () => {
  database = await testDatabase();
});

describe("emptying the test database between tests", () => {
  it("empties every application table", async () => {
    await database.query(
      "insert into outbox (id, topic, payload, created_at) values ('obx_any', 't', '{}', now())",
    );
    await resetDatabase(database);
    expect(await database.query("select id from outbox")).toEqual([]);
  });
});

// Only on a server: PGlite has one connection, so no other session can be left running there.
if (process.env.TEST_DATABASE_URL) {
  describe("emptying the test database between tests (PostgreSQL)", () => {
    it("waits for a transaction another session is finishing instead of deadlocking with it", async () => {
      // TRUNCATE locks the tables in this order: a session holding the last and then asking for
      // the first deadlocks with it, unless the reset waits for that session first.
      const tables = (
        await database.query<{ tablename: string }>(
          "select tablename from pg_tables where schemaname = 'public'",
        )
      ).map((r) => r.tablename);
      await database.query(
        "insert into outbox (id, topic, payload, created_at) values ('obx_quiet', 't', '{}', now())",
      );
      const other = new pg.Client({ connectionString: connectionString(database) });
      await other.connect();
      try {
        await other.query("begin");
        await other.query(`select count(*) from "${tables.at(-1)}"`);
        const finishing = new Promise((resolve) => setTimeout(resolve, 300))
          .then(() => other.query(`select count(*) from "${tables[0]}"`))
          .then(() => other.query("commit"));
        await resetDatabase(database, { quietTimeoutMs: 5_000 });
        await finishing;
        expect(await database.query("select id from outbox")).toEqual([]);
      } finally {
        await other.end();
      }
    });

    it("names the leftover work when it does not end", async () => {
      const other = new pg.Client({ connectionString: connectionString(database) });
      await other.connect();
      try {
        await other.query("begin");
        await other.query("select count(*) from outbox");
        await expect(resetDatabase(database, { quietTimeoutMs: 200 })).rejects.toThrow(
          /left work running in the database: \[idle in transaction\] select count\(\*\) from outbox/,
        );
        await other.query("rollback");
      } finally {
        await other.end();
      }
    });
  });
}
