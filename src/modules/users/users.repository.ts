import { eq, inArray } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { type UserRow, users } from "./users.table";

export type NewUser = typeof users.$inferInsert;

export function usersRepository(db: Executor) {
  return {
    async findById(id: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return row;
    },
    async findByTelegramId(telegramId: number): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.telegramId, telegramId)).limit(1);
      return row;
    },
    async findByTelegramIds(telegramIds: number[]): Promise<UserRow[]> {
      if (telegramIds.length === 0) return [];
      return db.select().from(users).where(inArray(users.telegramId, telegramIds));
    },
    /**
     * Creates each user unless one with its Telegram id exists, in one statement; the rows it
     * created, and those that existed (a race with another sight of the same person) read back.
     */
    async insertManyOrGet(batch: NewUser[]): Promise<{ row: UserRow; created: boolean }[]> {
      const created = await db.insert(users).values(batch).onConflictDoNothing().returning();
      const byTelegramId = new Map(created.map((row) => [row.telegramId, { row, created: true }]));
      const raced = batch.filter((u) => !byTelegramId.has(u.telegramId)).map((u) => u.telegramId);
      for (const row of await this.findByTelegramIds(raced))
        byTelegramId.set(row.telegramId, { row, created: false });
      return batch.map((u) => byTelegramId.get(u.telegramId)!);
    },
    async update(id: string, patch: Partial<NewUser>): Promise<UserRow | undefined> {
      const [row] = await db.update(users).set(patch).where(eq(users.id, id)).returning();
      return row;
    },
  };
}
