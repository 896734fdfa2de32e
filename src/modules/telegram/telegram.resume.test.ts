import { eq } from "drizzle-orm";
import type { Update } from "grammy/types";
import { Counter } from "prom-client";
import { describe, expect, it } from "vitest";
import { person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import type { Executor } from "../../db/client";
import { createUpdateIntake, RESUME_AFTER_MS } from "./telegram.intake";
import { telegramUpdates } from "./telegram.table";
import { createUpdateLog } from "./telegram.update-log";

const MINUTE = 60_000;

/**
 * Telegram never redelivers an update it got a 200 for, so one acknowledged and then lost to a
 * crash (SIGKILL between the answer and the handler) would be lost for good. These tests put the
 * log in the state such a crash leaves and check that a (re)started bot finishes the work, once.
 */
describe("acknowledged updates survive a crash", () => {
  const t = useTelegramApp();
  const db = () => t.ctx().deps.db;
  const now = () => t.ctx().clock.now().getTime();
  const rowOf = async (updateId: number) =>
    (await db().select().from(telegramUpdates).where(eq(telegramUpdates.updateId, updateId)))[0];

  /** The row a process leaves when it dies after acknowledging `update` (and maybe claiming it). */
  async function leftByDeadProcess(update: Update, at: { receivedAgoMs: number; claimedAgoMs?: number }) {
    await db()
      .insert(telegramUpdates)
      .values({
        updateId: update.update_id,
        telegramUserId: update.message?.from.id ?? null,
        kind: "message",
        command: null,
        status: at.claimedAgoMs === undefined ? "received" : "handling",
        error: null,
        receivedAt: new Date(now() - at.receivedAgoMs),
        claimedAt: at.claimedAgoMs === undefined ? null : new Date(now() - at.claimedAgoMs),
        payload: update,
      });
  }

  it("keeps the update from acknowledgement until handled, then drops the copy", async () => {
    const ada = person();
    const update = updates.message(ada, "/help");
    await t.send(update);
    expect(await rowOf(update.update_id)).toMatchObject({ status: "handled", payload: null });
  });

  it("handles, after a restart, an update the dead process had acknowledged but not handled", async () => {
    const ada = person();
    const update = updates.message(ada, "/start");
    await leftByDeadProcess(update, { receivedAgoMs: 5 * MINUTE });
    expect(await t.telegram().intake.resume()).toBe(1);
    await t.telegram().intake.settled();
    expect(t.lastText(ada.id)).toContain("Welcome");
    expect(await rowOf(update.update_id)).toMatchObject({ status: "handled", payload: null });
    // Nothing left: a second pass finds no work and sends nothing more.
    expect(await t.telegram().intake.resume()).toBe(0);
    await t.telegram().intake.settled();
    expect(t.callsTo(ada.id, "sendMessage")).toHaveLength(1);
  });

  it("leaves a fresh update to the process that acknowledged it", async () => {
    const ada = person();
    await leftByDeadProcess(updates.message(ada, "/help"), { receivedAgoMs: RESUME_AFTER_MS / 2 });
    expect(await t.telegram().intake.resume()).toBe(0);
  });

  it("takes over a claim held by a process that died mid-handling, not a live one", async () => {
    const ada = person();
    const bob = person();
    const stale = updates.message(ada, "/help");
    const live = updates.message(bob, "/help");
    await leftByDeadProcess(stale, { receivedAgoMs: 10 * MINUTE, claimedAgoMs: 10 * MINUTE });
    await leftByDeadProcess(live, { receivedAgoMs: 10 * MINUTE, claimedAgoMs: 5_000 });
    expect(await t.telegram().intake.resume()).toBe(1);
    await t.telegram().intake.settled();
    expect(t.callsTo(ada.id, "sendMessage")).toHaveLength(1);
    expect(t.callsTo(bob.id, "sendMessage")).toHaveLength(0);
    expect(await rowOf(live.update_id)).toMatchObject({ status: "handling" });
  });

  it("lets one process claim an update, however many try at once", async () => {
    const update = updates.message(person(), "/help");
    await leftByDeadProcess(update, { receivedAgoMs: 5 * MINUTE });
    // Two processes' logs over one database.
    const [a, b] = [createUpdateLog(db()), createUpdateLog(db())];
    const at = new Date(now());
    const staleBefore = new Date(now() - 2 * MINUTE);
    const claims = await Promise.all([
      a.claim(update.update_id, at, staleBefore),
      b.claim(update.update_id, at, staleBefore),
      a.claim(update.update_id, at, staleBefore),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it("keeps no copy of an update it dropped", async () => {
    const ada = person();
    // Burst 5, then one a second: the sixth at once is dropped.
    for (let i = 0; i < 6; i++) await t.post(updates.message(ada, "hello"));
    await t.telegram().intake.settled();
    const rows = await db().select().from(telegramUpdates).where(eq(telegramUpdates.telegramUserId, ada.id));
    const dropped = rows.filter((r) => r.status === "dropped");
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.every((r) => r.payload === null)).toBe(true);
  });

  it("a process that dies in the middle of a burst leaves nothing lost and nothing handled twice after a restart", async () => {
    const deps = t.ctx().deps;
    const handled = new Map<number, number>();
    let dieNow = false;
    /** A process whose handlers hang once it "dies": a killed process finishes nothing. */
    const processNamed = (name: string, hangAfterDeath: boolean) =>
      createUpdateIntake({
        db: deps.db,
        clock: t.ctx().clock,
        logger: deps.logger,
        rateLimiter: deps.rateLimiter,
        updatesTotal: new Counter({
          name: `crash_${name}`,
          help: "-",
          labelNames: ["kind", "status"],
          registers: [],
        }),
        botUsername: "bot",
        handle: async (update) => {
          if (hangAfterDeath && dieNow) await new Promise(() => {});
          handled.set(update.update_id, (handled.get(update.update_id) ?? 0) + 1);
        },
        slowDown: async () => {},
        concurrency: 2,
      });
    const first = processNamed("first", true);
    const people = [person(), person(), person()];
    const burst = Array.from({ length: 12 }, (_, i) => updates.message(people[i % 3]!, `msg ${i}`));
    for (const update of burst.slice(0, 4)) await first.accept(update);
    await first.settled();
    // The crash: four handled, two claimed and hanging, six acknowledged and never started.
    dieNow = true;
    for (const update of burst.slice(4)) await first.accept(update);
    await expect
      .poll(
        async () => (await db().select().from(telegramUpdates)).filter((r) => r.status === "handling").length,
      )
      .toBe(2);

    // A restart past the resume windows (unclaimed 30 s, a dead claim after the timeout and margin).
    t.ctx().clock.advance(2 * MINUTE);
    const second = processNamed("second", false);
    expect(await second.resume()).toBe(8);
    await second.settled();
    expect([...handled.keys()].sort()).toEqual(burst.map((u) => u.update_id).sort());
    expect([...handled.values()].every((n) => n === 1)).toBe(true);
    const rows = await db().select().from(telegramUpdates);
    expect(rows.filter((r) => burst.some((u) => u.update_id === r.updateId)).map((r) => r.status)).toEqual(
      Array(12).fill("handled"),
    );
    // And a further pass, as the timer makes it, finds nothing left.
    t.ctx().clock.advance(2 * MINUTE);
    expect(await second.resume()).toBe(0);
  });

  it("a claim the database refused neither rejects (an unhandled rejection ends the process) nor loses the update", async () => {
    const base = db();
    /** How many `execute`s go through before one fails; none fails while undefined. */
    let failAfter: number | undefined;
    // The acknowledgement is the intake's first `execute` and the claim its second: only the claim fails.
    const flaky = new Proxy(base, {
      get(target, prop, receiver) {
        if (prop === "execute") {
          return (...args: unknown[]) => {
            if (failAfter !== undefined && failAfter-- === 0) {
              failAfter = undefined;
              return Promise.reject(new Error("connection lost"));
            }
            return (target.execute as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    }) as Executor;
    const handled: number[] = [];
    const deps = t.ctx().deps;
    const intake = createUpdateIntake({
      db: flaky,
      clock: t.ctx().clock,
      logger: deps.logger,
      rateLimiter: deps.rateLimiter,
      updatesTotal: new Counter({
        name: "resume_test_updates",
        help: "-",
        labelNames: ["kind", "status"],
        registers: [],
      }),
      botUsername: "bot",
      handle: async (update) => {
        handled.push(update.update_id);
      },
      slowDown: async () => {},
    });
    const ada = person();
    const first = updates.message(ada, "one");
    const second = updates.message(ada, "two");
    failAfter = 1;
    expect(await intake.accept(first)).toBe("accepted");
    await intake.settled();
    expect(await intake.accept(second)).toBe("accepted");
    await intake.settled();
    expect(handled).toEqual([second.update_id]);
    expect(await rowOf(first.update_id)).toMatchObject({ status: "received", payload: first });
    // Once old enough to be resumed, it is handled after all.
    t.ctx().clock.advance(RESUME_AFTER_MS + 1_000);
    expect(await intake.resume()).toBe(1);
    await intake.settled();
    expect(handled).toEqual([second.update_id, first.update_id]);
  });
});
