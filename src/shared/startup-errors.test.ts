import { describe, expect, it } from "vitest";
import { testConfig } from "../../test/support/config";
import { testDatabase } from "../../test/support/db";
import { openDatabase } from "../db/open";
import { createDeps } from "../deps";
import { ManualClock } from "./clock";
import { createLogger } from "./logger";
import { reasonOf, StartupError, safeTarget } from "./startup-errors";

// Port 1 on loopback: nothing listens there, the connection is refused at once.
const NOWHERE_PG = "postgres://ops:hunter2-secret@127.0.0.1:1/signaldesk";
const NOWHERE_REDIS = "redis://:hunter2-secret@127.0.0.1:1/0";

describe("a dependency that cannot be reached", () => {
  it("PostgreSQL: one line naming DATABASE_URL and where it points, never the password", async () => {
    const err = await openDatabase({ databaseUrl: NOWHERE_PG, dataDir: "/tmp/unused" }).catch((e) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect(err.message).toMatch(
      /^DATABASE_URL: cannot connect to PostgreSQL at 127\.0\.0\.1:1\/signaldesk \(ECONNREFUSED/,
    );
    expect(err.message).not.toContain("hunter2");
  });

  it("Redis: one line naming REDIS_URL (it used to die with MaxRetriesPerRequestError)", async () => {
    const config = testConfig({ REDIS_URL: NOWHERE_REDIS });
    const err = await createDeps({
      config,
      database: await testDatabase(),
      clock: new ManualClock(new Date()),
      logger: createLogger("silent"),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect(err.message).toMatch(/^REDIS_URL: cannot reach Redis at 127\.0\.0\.1:1\/0 \(ECONNREFUSED/);
    expect(err.message).not.toContain("hunter2");
  });

  it("names targets without credentials and reasons by their code", () => {
    expect(safeTarget("postgresql://u:p@db.internal/app")).toBe("db.internal:5432/app");
    expect(safeTarget("rediss://cache:6380")).toBe("cache:6380");
    expect(safeTarget("::nonsense")).toBe("an unparseable URL");
    expect(reasonOf(Object.assign(new Error("connect failed"), { code: "ECONNREFUSED" }))).toBe(
      "ECONNREFUSED: connect failed",
    );
    expect(reasonOf(new AggregateError([Object.assign(new Error("x"), { code: "ETIMEDOUT" })], ""))).toBe(
      "ETIMEDOUT",
    );
  });
});
