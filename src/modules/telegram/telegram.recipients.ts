import { asc, gt, inArray } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { users } from "../users/users.table";

const CHUNK = 1_000;

/** Telegram chat ids of users (a private chat's id is the person's Telegram id); a read of users. */
export async function chatIdsOf(db: Executor, userIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const rows = await db
      .select({ id: users.id, telegramId: users.telegramId })
      .from(users)
      .where(inArray(users.id, userIds.slice(i, i + CHUNK)));
    for (const r of rows) out.set(r.id, r.telegramId);
  }
  return out;
}

/** Every user, page by page (broadcasts), in id order so a page boundary never skips anyone. */
export async function* allChats(db: Executor): AsyncGenerator<{ id: string; telegramId: number }[]> {
  let after = "";
  for (;;) {
    const page = await db
      .select({ id: users.id, telegramId: users.telegramId })
      .from(users)
      .where(gt(users.id, after))
      .orderBy(asc(users.id))
      .limit(CHUNK);
    if (page.length === 0) return;
    yield page;
    after = page.at(-1)!.id;
  }
}
