import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres } from "../../src/db/client";
import { OwnPostgres } from "./support/backends";

/**
 * A PostgreSQL restart under load ended the first instance of the fault suite: a client checked
 * out of the pool (between the statements of a transaction) was told its connection ended, with
 * nobody listening. On the suite's own cluster, so it runs wherever the fault suite does.
 */
describe("a PostgreSQL connection lost while checked out of the pool", () => {
  const server = new OwnPostgres();
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it("fails its transaction, not the process, and the pool serves the next statement", async () => {
    const database = await openPostgres(server.url(), 2);
    const killer = await openPostgres(server.url(), 1);
    try {
      const outcome = database.db.transaction(async (tx) => {
        const rows = (await tx.execute(sql`select pg_backend_pid() as pid`)) as unknown as {
          rows: { pid: number }[];
        };
        await killer.query("select pg_terminate_backend($1)", [rows.rows[0]!.pid]);
        // The connection ends while no statement of the transaction runs: the client itself is
        // told, which without a listener is an uncaught 'error' event.
        await new Promise((r) => setTimeout(r, 500));
        await tx.execute(sql`select 1`);
      });
      await expect(outcome).rejects.toThrow();
      expect(await database.query("select 1 as one")).toEqual([{ one: 1 }]);
    } finally {
      await killer.close();
      await database.close();
    }
  });
});
