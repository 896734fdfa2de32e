import { eq, sql } from "drizzle-orm";
import { isAnyOfBigints, rowsOf, tableRows, textArray } from "../../db/arrays";
import type { Executor } from "../../db/client";
import { type UserRow, users } from "./users.table";

export type NewUser = typeof users.$inferInsert;
/** What a first sight in Telegram knows of a person; every other column takes its default. */
export type Newcomer = Pick<
  NewUser,
  "id" | "telegramId" | "username" | "languageCode" | "referralCode" | "createdAt" | "updatedAt"
> & { firstName: string };

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
      return db.select().from(users).where(isAnyOfBigints(users.telegramId, telegramIds));
    },
    /**
     * Creates each user unless one with its Telegram id exists, in one statement; the rows it
     * created, and those that existed (a race with another sight of the same person) read back.
     */
    async insertManyOrGet(batch: Newcomer[]): Promise<{ row: UserRow; created: boolean }[]> {
      const column = (pick: (u: Newcomer) => string | null | undefined) =>
        textArray(batch.map((u) => pick(u) ?? null));
      // One array per column (src/db/arrays.ts); the columns not named take their defaults.
      const result = await db.execute(sql`
        insert into ${users}
          (id, telegram_id, username, first_name, language_code, referral_code, created_at, updated_at)
        select n.id, n.telegram_id::bigint, n.username, n.first_name, n.language_code,
               n.referral_code, n.created_at::timestamptz, n.updated_at::timestamptz
        from unnest(
          ${column((u) => u.id)}, ${column((u) => String(u.telegramId))}, ${column((u) => u.username)},
          ${column((u) => u.firstName)}, ${column((u) => u.languageCode)}, ${column((u) => u.referralCode)},
          ${column((u) => u.createdAt.toISOString())}, ${column((u) => u.updatedAt.toISOString())}
        ) as n(id, telegram_id, username, first_name, language_code, referral_code, created_at, updated_at)
        on conflict do nothing
        returning *`);
      const created = tableRows(users, rowsOf(result));
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
