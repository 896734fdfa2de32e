import { describe, expect, it } from "vitest";
import { databaseProbe } from "./readiness";

/** A database whose `select 1` the test answers: up, down (rejects) or stuck (never settles). */
function scriptedDatabase() {
  let mode: "up" | "down" | "stuck" = "up";
  let release = () => {};
  let queries = 0;
  return {
    database: {
      async query<T>(): Promise<T[]> {
        queries++;
        if (mode === "down") throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
        if (mode === "stuck") await new Promise<void>((r) => (release = r));
        return [];
      },
    },
    set: (m: typeof mode) => {
      mode = m;
    },
    unstick: () => release(),
    queries: () => queries,
  };
}

describe("the database probe behind /readyz", () => {
  it("answers down while the database refuses and up again once it answers, nothing held in between", async () => {
    const db = scriptedDatabase();
    const answers = databaseProbe(db.database, { cacheMs: 0 });
    expect(await answers()).toBe(true);
    db.set("down");
    expect(await answers()).toBe(false);
    db.set("up");
    expect(await answers()).toBe(true);
  });

  it("counts a select 1 that does not answer in time as down, and sends no second one while it hangs", async () => {
    const db = scriptedDatabase();
    const answers = databaseProbe(db.database, { cacheMs: 0, timeoutMs: 20 });
    db.set("stuck");
    expect(await answers()).toBe(false);
    expect(await answers()).toBe(false);
    expect(db.queries()).toBe(1);
    db.set("up");
    db.unstick();
    await new Promise((r) => setTimeout(r, 0));
    expect(await answers()).toBe(true);
    expect(db.queries()).toBe(2);
  });

  it("reuses an answer for a moment, so a burst of /readyz costs one query", async () => {
    const db = scriptedDatabase();
    let now = 0;
    const answers = databaseProbe(db.database, { cacheMs: 1_000, now: () => now });
    await Promise.all([answers(), answers(), answers()]);
    expect(await answers()).toBe(true);
    expect(db.queries()).toBe(1);
    db.set("down");
    now = 1_000;
    expect(await answers()).toBe(false);
    expect(db.queries()).toBe(2);
  });
});
