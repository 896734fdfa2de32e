import { beforeEach, describe, expect, it } from "vitest";
import { resetDatabase, testDatabase } from "../../../test/support/db";
import { ManualClock } from "../clock";
import { StartupError } from "../startup-errors";
import { instances } from "./deployment.table";
import { GONE_AFTER_MS, registerInstance, type ThisProcess } from "./instances";

const proc = (over: Partial<ThisProcess> = {}): ThisProcess => ({
  host: "app-1",
  pid: 100,
  redis: true,
  alive: () => true,
  ...over,
});

describe("instances on one database", () => {
  beforeEach(async () => resetDatabase(await testDatabase()));

  it("lets several instances run when every one has Redis, and each deregisters on stop", async () => {
    const { db } = await testDatabase();
    const clock = new ManualClock(new Date("2026-12-05T12:00:00Z"));
    const a = await registerInstance(db, proc(), clock);
    const b = await registerInstance(db, proc({ host: "app-2", pid: 200 }), clock);
    expect((await db.select().from(instances)).map((r) => r.host).sort()).toEqual(["app-1", "app-2"]);
    await a.stop();
    await b.stop();
    expect(await db.select().from(instances)).toEqual([]);
  });

  it("refuses a second instance when either lacks Redis, naming the other and REDIS_URL", async () => {
    const { db } = await testDatabase();
    const clock = new ManualClock(new Date("2026-12-05T12:00:00Z"));
    const first = await registerInstance(db, proc({ redis: false }), clock);
    clock.advance(5_000);
    const second = await registerInstance(db, proc({ host: "app-2", pid: 200 }), clock).catch((e) => e);
    expect(second).toBeInstanceOf(StartupError);
    expect(second.message).toBe(
      "another instance runs on this database (app-1 pid 100, seen 5 s ago) and it has no REDIS_URL: several instances need REDIS_URL on every one of them",
    );
    await first.stop();
    const withRedis = await registerInstance(db, proc({ host: "app-2", pid: 200 }), clock);
    const withoutHere = await registerInstance(db, proc({ host: "app-3", redis: false }), clock).catch(
      (e) => e,
    );
    expect(withoutHere.message).toMatch(/\(app-2 pid 200, seen 0 s ago\) and REDIS_URL is unset here/);
    await withRedis.stop();
  });

  it("does not count an instance that went silent or a dead process on this host", async () => {
    const { db } = await testDatabase();
    const clock = new ManualClock(new Date("2026-12-05T12:00:00Z"));
    await registerInstance(db, proc({ host: "app-9", redis: false }), clock); // never stops: it crashed
    clock.advance(GONE_AFTER_MS + 1_000);
    const afterSilence = await registerInstance(db, proc({ redis: false, pid: 300 }), clock);
    // A crashed predecessor on this same host (its pid gone) does not block a restart either.
    const restarted = await registerInstance(
      db,
      proc({ redis: false, pid: 301, alive: (pid) => pid !== 300 }),
      clock,
    );
    expect((await db.select().from(instances)).map((r) => r.pid).sort()).toEqual([100, 301]);
    await afterSilence.stop().catch(() => undefined);
    await restarted.stop();
  });
});
