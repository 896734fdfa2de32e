import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open";
import { FakeStripe } from "../fakes/stripe";
import { FakeTelegramApi } from "../fakes/telegram-api";
import { TEST_BOT_TOKEN } from "../support/config";
import { freshServerDatabase } from "../support/db";
import { type ServerProcess, startServerProcess } from "../support/process";
import { prng } from "./support/crash-http";
import { checkStored, readStored, retryAll, tally } from "./support/crash-verify";
import {
  ADMIN_TELEGRAM_ID,
  buildCrashWorld,
  type CrashWorld,
  type LoadRequest,
  planLoad,
  runLoad,
} from "./support/crash-world";

/**
 * Crash safety (issue: "kill the server with SIGKILL in the middle of a load of signed fills,
 * orders and webhooks, restart it on the same data, and prove every request that got a 2xx is
 * present exactly once"). The real server process is killed mid-load, restarted on the same
 * DATA_DIR or DATABASE_URL, and read back over HTTP (and SQL on PostgreSQL).
 */

interface Variant {
  name: string;
  /** The environment naming the database; `sql` reads it directly when the test can. */
  prepare(): Promise<{
    env: Record<string, string>;
    sql?: (q: string, params?: unknown[]) => Promise<unknown[]>;
  }>;
  cleanup(): Promise<void>;
}

function postgresVariant(baseUrl: string): Variant {
  let database: { url: string; drop(): Promise<void> } | undefined;
  let pool: pg.Pool | undefined;
  return {
    name: "PostgreSQL",
    async prepare() {
      database = await freshServerDatabase(baseUrl, "e2e_crash");
      pool = new pg.Pool({ connectionString: database.url, max: 2 });
      return {
        env: { DATABASE_URL: database.url },
        sql: async (q, params) => (await pool!.query(q, params as unknown[])).rows,
      };
    },
    async cleanup() {
      await pool?.end();
      await database?.drop();
    },
  };
}

const variants: Variant[] = [
  { name: "PGlite", prepare: async () => ({ env: { DATABASE_URL: "" } }), cleanup: async () => {} },
  ...(process.env.TEST_DATABASE_URL ? [postgresVariant(process.env.TEST_DATABASE_URL)] : []),
];

const SIZE = { users: 8, devicesPerUser: 2, signals: 20, payablePerUser: 6 };
const ORDERS_PER_USER = 20;
const CONCURRENCY = 32;

/** No duplicate and nothing missing, straight from the tables (after the retries, so everything is in). */
async function checkRows(
  sql: (q: string, params?: unknown[]) => Promise<unknown[]>,
  world: CrashWorld,
  plan: LoadRequest[],
): Promise<void> {
  const pairs = plan.filter((r) => r.kind === "fill").length;
  const payable = world.users.flatMap((u) => u.payable.map((p) => p.orderId));
  expect(
    await sql(
      "select signal_id, device_id, count(*)::int as n from executions group by 1, 2 having count(*) > 1",
    ),
  ).toEqual([]);
  expect(await sql("select count(*)::int as n from executions where status = 'filled'")).toEqual([
    { n: pairs },
  ]);
  expect(
    await sql(
      "select order_id, count(*)::int as n from entitlements where order_id is not null group by 1 having count(*) > 1",
    ),
  ).toEqual([]);
  expect(
    await sql("select count(*)::int as n from entitlements where order_id = any($1)", [payable]),
  ).toEqual([{ n: payable.length }]);
  expect(
    await sql(
      `select user_id, tier_id, months, region, count(*)::int as n from orders
       where not (id = any($1)) group by 1, 2, 3, 4 having count(*) > 1`,
      [payable],
    ),
  ).toEqual([]);
  expect(await sql("select count(*)::int as n from orders where not (id = any($1))", [payable])).toEqual([
    { n: world.users.length * ORDERS_PER_USER },
  ]);
  expect(
    await sql("select count(*)::int as n from orders where id = any($1) and status = 'paid'", [payable]),
  ).toEqual([{ n: payable.length }]);
  const webhooks = plan.filter((r) => r.kind === "webhook").map((r) => (r as { eventId: string }).eventId);
  expect(await sql("select count(*)::int as n from stripe_events where id = any($1)", [webhooks])).toEqual([
    { n: webhooks.length },
  ]);
  // Every Idempotency-Key of the load holds its response: none is left claimed and unanswered.
  expect(
    await sql("select key from idempotency_keys where scope = 'orders.create' and response_status is null"),
  ).toEqual([]);
}

describe("crash safety: SIGKILL under load, restart on the same data", () => {
  const telegram = new FakeTelegramApi();
  const stripe = new FakeStripe();
  const started: ServerProcess[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    await telegram.start();
    await stripe.start();
  });

  afterAll(async () => {
    for (const s of started)
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill("SIGKILL");
    await Promise.all(started.map((s) => s.exited));
    await telegram.stop();
    await stripe.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  for (const variant of variants) {
    it(`${variant.name}: every 2xx survives exactly once, nothing is duplicated`, async () => {
      const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
      const random = prng(seed);
      const dataDir = mkdtempSync(path.join(tmpdir(), "sd-crash-"));
      dirs.push(dataDir);
      const db = await variant.prepare();
      try {
        const env = {
          ...stripe.env(),
          ...db.env,
          DATA_DIR: dataDir,
          REDIS_URL: "",
          TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
          TELEGRAM_API_ROOT: telegram.url,
          TELEGRAM_MODE: "off",
          ADMIN_TELEGRAM_IDS: String(ADMIN_TELEGRAM_ID),
          RATE_LIMIT_IP_PER_MINUTE: "1000000",
          RATE_LIMIT_USER_PER_MINUTE: "1000000",
          LOG_LEVEL: "warn",
        };
        const first = await startServerProcess(env, 120_000);
        started.push(first);
        const world = await buildCrashWorld(first.url, SIZE);
        const plan = planLoad(world, stripe, {
          ordersPerUser: ORDERS_PER_USER,
          random,
          runId: `${variant.name}-${seed}`,
        });
        const killAfter = Math.floor(plan.length * (0.3 + random() * 0.2));
        await runLoad(first.url, plan, {
          concurrency: CONCURRENCY,
          killAfter,
          kill: () => first.child.kill("SIGKILL"),
        });
        expect(await first.exited).toBeNull();
        expect(first.child.signalCode).toBe("SIGKILL");

        const counts = tally(plan);
        console.log(
          `[crash ${variant.name}] seed ${seed}, kill after ${killAfter} answers:`,
          JSON.stringify(counts),
        );
        // Before the kill the server refused nothing: every answer was the success of its kind.
        const refused = plan.filter(
          (r) => r.outcome.state === "answered" && ![200, 201].includes(r.outcome.status),
        );
        expect(
          refused.map((r) => `${r.label}: ${JSON.stringify(r.outcome)}`),
          "non-2xx answers during the load",
        ).toEqual([]);
        expect(counts.ok2xx).toBeGreaterThanOrEqual(killAfter);
        expect(counts.unsent).toBeGreaterThan(0);

        const second = await startServerProcess(env, 120_000);
        started.push(second);
        const before = await readStored(second.url, world);
        checkStored(world, plan, before, false);

        const retryFailures = await retryAll(second.url, plan, before);
        expect(retryFailures, retryFailures.slice(0, 20).join("\n")).toEqual([]);
        const after = await readStored(second.url, world);
        checkStored(world, plan, after, true);

        second.child.kill("SIGTERM");
        expect(await second.exited).toBe(0);

        // The rows themselves, read with SQL: the server's database, or the PGlite directory it left.
        if (db.sql) await checkRows(db.sql, world, plan);
        else {
          const database = await openDatabase({ databaseUrl: undefined, dataDir });
          try {
            await checkRows((q, params) => database.query(q, params), world, plan);
          } finally {
            await database.close();
          }
        }
      } finally {
        await variant.cleanup();
      }
    });
  }
});
