import { beforeEach, describe, expect, it } from "vitest";
import { resetDatabase, testDatabase } from "../../../test/support/db";
import type { Executor } from "../../db/client";
import { type Newcomer, usersRepository } from "./users.repository";

const T0 = new Date("2026-11-21T10:00:00.123Z");

const newcomer = (n: number, extra: Partial<Newcomer> = {}): Newcomer => ({
  id: `usr_repo_${n}`,
  telegramId: 7_000_000_000 + n,
  username: n % 2 === 0 ? `user${n}` : null,
  firstName: `Person ${n}`,
  languageCode: n % 2 === 0 ? "es" : null,
  referralCode: n === 1 ? "ref_one" : null,
  createdAt: T0,
  updatedAt: T0,
  ...extra,
});

// The newcomers' batch is one `unnest` insert read back through drizzle's column decoders
// (src/db/arrays.ts): what it answers must be what drizzle's own select answers.
describe("the users repository's batches", () => {
  let db: Executor;
  beforeEach(async () => {
    const database = await testDatabase();
    await resetDatabase(database);
    db = database.db;
  });

  it("creates newcomers in one statement and answers each row exactly as a select reads it", async () => {
    const repo = usersRepository(db);
    const batch = [newcomer(1), newcomer(2), newcomer(3)];
    const results = await repo.insertManyOrGet(batch);
    expect(results.map((r) => [r.row.id, r.created])).toEqual(batch.map((u) => [u.id, true]));
    for (const { row } of results) expect(row).toEqual(await repo.findById(row.id));
    expect(results[1]!.row).toMatchObject({
      telegramId: 7_000_000_002,
      username: "user2",
      firstName: "Person 2",
      languageCode: "es",
      locale: null,
      role: "user",
      autoApprove: false,
      referralCode: null,
      createdAt: T0,
      disabledAt: null,
    });
    expect(results[0]!.row.referralCode).toBe("ref_one");
  });

  it("a person who already exists is read back, not created again; the others are created", async () => {
    const repo = usersRepository(db);
    const [first] = await repo.insertManyOrGet([newcomer(5)]);
    const results = await repo.insertManyOrGet([newcomer(5, { id: "usr_repo_other" }), newcomer(6)]);
    expect(results.map((r) => [r.row.id, r.created])).toEqual([
      [first!.row.id, false],
      ["usr_repo_6", true],
    ]);
  });

  it("finds people by their Telegram ids, any number of them at once", async () => {
    const repo = usersRepository(db);
    await repo.insertManyOrGet([newcomer(7), newcomer(8), newcomer(9)]);
    const found = await repo.findByTelegramIds([7_000_000_009, 7_000_000_007, 1]);
    expect(found.map((u) => u.id).sort()).toEqual(["usr_repo_7", "usr_repo_9"]);
    expect(await repo.findByTelegramIds([])).toEqual([]);
  });
});
