import { describe, expect, it, vi } from "vitest";
import { person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { askFor, conversationBatches } from "./telegram.conversations";
import { telegramConversations } from "./telegram.table";

const MINUTE = 60_000;

/**
 * What the handlers of a burst ask of the database: the people behind the updates are resolved
 * (and the newcomers created) together, and the open questions cleared or taken together, so a
 * burst of first contacts costs a few statements instead of several per update.
 */
describe("the handlers of a burst share their statements", () => {
  const t = useTelegramApp();

  it("30 newcomers' commands and messages cost a few reads, one creating transaction and a few deletes, not one each", async () => {
    const db = t.ctx().deps.db;
    const transactions = vi.spyOn(db, "transaction");
    const selects = vi.spyOn(db, "select");
    const deletes = vi.spyOn(db, "delete");
    const people = Array.from({ length: 30 }, () => person());
    const burst = people.map((p, i) => updates.message(p, ["/start", "/help", "hello"][i % 3]!));
    await Promise.all(burst.map((u) => t.post(u)));
    await t.telegram().intake.settled();

    for (const p of people) expect(t.callsTo(p.id, "sendMessage")).toHaveLength(1);
    expect(await t.ctx().deps.users.findByTelegramId(people[29]!.id)).toBeDefined();
    // Before: 30 transactions, 30 user reads and 30 conversation deletes.
    expect(transactions.mock.calls.length).toBeLessThanOrEqual(3);
    expect(selects.mock.calls.length).toBeLessThanOrEqual(3);
    expect(deletes.mock.calls.length).toBeLessThanOrEqual(6);
  });

  it("taken together, each person gets their own open question; an expired one is none, and all are gone after", async () => {
    const { db, clock } = { db: t.ctx().deps.db, clock: t.ctx().clock };
    const [ada, bob, cyd] = [person(), person(), person()];
    const now = clock.now();
    await askFor(db, ada.id, "device_name", new Date(now.getTime() + MINUTE), { n: 1 });
    await askFor(db, bob.id, "coupon_code", new Date(now.getTime() - MINUTE));
    const batches = conversationBatches(db);
    const taken = await Promise.all([ada, bob, cyd].map((p) => batches.take(p.id, now)));
    expect(taken).toEqual([{ kind: "device_name", data: { n: 1 } }, undefined, undefined]);
    expect(await db.select().from(telegramConversations)).toEqual([]);
  });

  it("cleared together, only the given people's questions go", async () => {
    const db = t.ctx().deps.db;
    const [ada, bob, cyd] = [person(), person(), person()];
    const later = new Date(t.ctx().clock.now().getTime() + MINUTE);
    for (const p of [ada, bob, cyd]) await askFor(db, p.id, "device_name", later);
    const batches = conversationBatches(db);
    await Promise.all([batches.clear(ada.id), batches.clear(bob.id)]);
    const left = await db.select({ id: telegramConversations.telegramUserId }).from(telegramConversations);
    expect(left).toEqual([{ id: cyd.id }]);
  });
});
