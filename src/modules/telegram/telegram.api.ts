import { GrammyError } from "grammy";
import type { UserFromGetMe } from "grammy/types";

/**
 * What getMe would say, built from configuration so constructing the bot needs no network. The
 * bot's id is the token's numeric prefix.
 */
export function botInfoFrom(token: string, username: string): UserFromGetMe {
  return {
    id: Number(token.split(":")[0]),
    is_bot: true,
    first_name: username,
    username,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}

/** An edit that changes nothing is refused by Telegram; for us it is a success. */
export async function ignoreNotModified<T>(edit: Promise<T>): Promise<T | undefined> {
  try {
    return await edit;
  } catch (err) {
    if (err instanceof GrammyError && /message is not modified/i.test(err.description)) return undefined;
    throw err;
  }
}
