import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase } from "../../test/support/db";
import { tcpCut } from "../../test/support/tcp-cut";
import { opsRoutes } from "../shared/http/ops.routes";
import { createMetrics } from "../shared/metrics";
import { type Database, openPostgres } from "./client";

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A PostgreSQL server reached through a relay the test cuts (only when the run has a server).
describe.runIf(!!process.env.TEST_DATABASE_URL)(
  "a PostgreSQL pool whose server goes away and comes back",
  () => {
    let relay: Awaited<ReturnType<typeof tcpCut>>;
    let database: Database;
    beforeAll(async () => {
      const direct = await testDatabase();
      const url = (direct.pool!.options as { connectionString: string }).connectionString;
      const target = new URL(url);
      relay = await tcpCut({ host: target.hostname, port: Number(target.port || 5432) });
      database = await openPostgres(relay.through(url), 4);
    });
    afterAll(async () => {
      relay.heal();
      await database?.close();
      await relay?.close();
    });

    it("/readyz answers 503 while the database is cut off and 200 once it is back, without a restart", async () => {
      const app = Fastify();
      await app.register(
        opsRoutes({
          database,
          metrics: createMetrics(),
          migrated: () => true,
          config: { metricsToken: undefined },
        }),
      );
      const ready = async () => (await app.inject({ method: "GET", url: "/readyz" })).statusCode;
      try {
        expect(await ready()).toBe(200);
        relay.cut();
        await eventually(async () => (await ready()) === 503);
        expect((await app.inject({ method: "GET", url: "/readyz" })).json()).toEqual({
          status: "unavailable",
          database: "down",
        });
        relay.heal();
        await eventually(async () => (await ready()) === 200);
      } finally {
        await app.close();
      }
    });

    it("a transaction whose connection dies fails alone: the process lives on and the pool serves the next query", async () => {
      const client = await database.pool!.connect();
      await client.query("begin");
      const inTransaction = client.query("select pg_sleep(5)").catch((err: Error) => err);
      relay.cut();
      expect(await inTransaction).toBeInstanceOf(Error);
      client.release(true);
      relay.heal();
      await eventually(async () =>
        database.query("select 1 as one").then(
          (rows) => rows[0]?.one === 1,
          () => false,
        ),
      );
    });
  },
);
