import { eq, inArray } from "drizzle-orm";
import type { Update } from "grammy/types";
import { beforeEach, describe, expect, it } from "vitest";
import { resetDatabase, testDatabase } from "../../../test/support/db";
import type { Executor } from "../../db/client";
import { telegramUpdates } from "./telegram.table";
import { createUpdateLog, type UpdateRecord } from "./telegram.update-log";

// The update log's group commit, straight against the database (pinned by mutation testing,
// issue 20): first delivery versus repeat, and several claims or outcomes in one statement.

const T0 = new Date("2026-11-21T10:00:00.000Z");
const STALE = new Date(T0.getTime() - 30_000);

const update = (id: number): Update =>
  ({
    update_id: id,
    message: { message_id: id, date: 0, chat: { id: 1, type: "private" }, from: { id: 1 }, text: "hi" },
  }) as unknown as Update;

const received = (id: number): UpdateRecord => ({
  updateId: id,
  telegramUserId: 1,
  kind: "message",
  command: null,
  status: "received",
  error: null,
  receivedAt: T0,
  payload: JSON.stringify(update(id)),
});

/** The database, with the number of statements the log sends through it (all go through `execute`). */
async function countingDb() {
  const db = (await testDatabase()).db as unknown as Executor;
  const counter = { statements: 0 };
  const counting = new Proxy(db, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === "execute") {
        return (...args: unknown[]) => {
          counter.statements++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, counting, counter };
}

const rowsOf = async (db: Executor, ids: number[]) =>
  db
    .select()
    .from(telegramUpdates)
    .where(inArray(telegramUpdates.updateId, ids))
    .orderBy(telegramUpdates.updateId);

describe("the Telegram update log", () => {
  beforeEach(async () => {
    await resetDatabase(await testDatabase());
  });

  it("answers true for an update's first delivery and false for each repeat, counting deliveries", async () => {
    const { db } = await countingDb();
    const log = createUpdateLog(db);
    expect(await log.record(received(1))).toBe(true);
    expect(await log.record(received(1))).toBe(false);
    // A first delivery and a repeat in the same turn: exactly one of the two is the first (on
    // PostgreSQL the pool decides which), and the old update stays a repeat.
    const [a, old, b] = await Promise.all([
      log.record(received(2)),
      log.record(received(1)),
      log.record(received(2)),
    ]);
    expect(old).toBe(false);
    expect([a, b].filter(Boolean)).toEqual([true]);
    const rows = await rowsOf(db, [1, 2]);
    expect(rows.map((r) => [r.updateId, r.deliveries])).toEqual([
      [1, 3],
      [2, 2],
    ]);
  });

  it("writes the updates acknowledged in one turn with one statement", async () => {
    const { counting, counter, db } = await countingDb();
    const log = createUpdateLog(counting);
    expect(await Promise.all([10, 11, 12].map((id) => log.record(received(id))))).toEqual([true, true, true]);
    expect(counter.statements).toBe(1);
    expect(await rowsOf(db, [10, 11, 12])).toHaveLength(3);
  });

  it("claims several updates in one statement, each for one process only", async () => {
    const { db } = await countingDb();
    const log = createUpdateLog(db);
    await Promise.all([20, 21, 22].map((id) => log.record(received(id))));
    const at = new Date(T0.getTime() + 1_000);
    expect(await Promise.all([20, 21, 22].map((id) => log.claim(id, at, STALE)))).toEqual([true, true, true]);
    expect(await Promise.all([20, 21].map((id) => log.claim(id, at, STALE)))).toEqual([false, false]);
    expect((await rowsOf(db, [20, 21, 22])).map((r) => [r.status, r.claimedAt])).toEqual([
      ["handling", at],
      ["handling", at],
      ["handling", at],
    ]);
    expect(await log.claim(99, at, STALE)).toBe(false);
  });

  it("writes several outcomes in one statement and drops each handled payload", async () => {
    const { db } = await countingDb();
    const log = createUpdateLog(db);
    await Promise.all([30, 31].map((id) => log.record(received(id))));
    const handledAt = new Date(T0.getTime() + 2_000);
    await Promise.all([
      log.finish({ updateId: 30, status: "handled", error: null, handledAt, durationMs: 12 }),
      log.finish({ updateId: 31, status: "failed", error: "boom", handledAt, durationMs: 7 }),
    ]);
    const rows = await rowsOf(db, [30, 31]);
    expect(rows.map((r) => [r.status, r.error, r.handledAt, r.durationMs, r.payload])).toEqual([
      ["handled", null, handledAt, 12, null],
      ["failed", "boom", handledAt, 7, null],
    ]);
    const [row] = await db.select().from(telegramUpdates).where(eq(telegramUpdates.updateId, 30));
    expect(row!.deliveries).toBe(1);
  });
});
