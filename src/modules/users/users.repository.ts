import { eq } from "drizzle-orm";
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
    /** Creates the user unless one with this Telegram id exists; returns the row either way. */
    async insertOrGet(user: NewUser): Promise<{ row: UserRow; created: boolean }> {
      const [created] = await db.insert(users).values(user).onConflictDoNothing().returning();
      if (created) return { row: created, created: true };
      const [existing] = await db.select().from(users).where(eq(users.telegramId, user.telegramId)).limit(1);
      return { row: existing!, created: false };
    },
    async update(id: string, patch: Partial<NewUser>): Promise<UserRow | undefined> {
      const [row] = await db.update(users).set(patch).where(eq(users.id, id)).returning();
      return row;
    },
  };
}
