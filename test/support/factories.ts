import type { Deps } from "../../src/deps";

let nextTelegramId = 10_000;

/** A user with a valid bearer token; `admin` grants the role in the database. */
export async function createUser(
  deps: Deps,
  opts: { telegramId?: number; admin?: boolean; username?: string; firstName?: string } = {},
) {
  const telegramId = opts.telegramId ?? nextTelegramId++;
  const { user } = await deps.users.ensureFromTelegram({
    telegramId,
    username: opts.username ?? `user${telegramId}`,
    firstName: opts.firstName ?? "Test",
  });
  if (opts.admin) await deps.users.grantAdmin(user.id);
  const token = await deps.tokens.issue(user.id);
  return { user, token, headers: { authorization: `Bearer ${token}` } };
}
