import { type Api, GrammyError } from "grammy";
import type { ChatMemberFacts } from "../channels/channels.models";
import { BotCallError, type ChannelsBotPort } from "../channels/channels.port";
import type { ChatType } from "../channels/channels.table";
import type { Pacer } from "./telegram.pacer";

/** Telegram: at most 20 messages a minute into one group or channel. */
export const GROUP_POST_RULE = { capacity: 3, refillPerSecond: 20 / 60 };
/**
 * The channels module's way to Telegram, over a client whose every call already goes through
 * the one pacer at the bulk pace (overall slot, a 429 pausing everything for `retry_after`); a post also
 * waits for its chat's own slot. Refusals become `BotCallError`s.
 */
export function createChannelsPort(deps: { api: Api; pacer: Pacer; botId: number }): ChannelsBotPort {
  const { api, pacer } = deps;

  async function paced<T>(call: () => Promise<T>, chatKey?: string): Promise<T> {
    if (chatKey) await pacer.chatSlot(chatKey, GROUP_POST_RULE);
    try {
      return await call();
    } catch (err) {
      if (err instanceof GrammyError) throw new BotCallError(err.error_code, err.description);
      throw err;
    }
  }

  return {
    botId: deps.botId,
    getChat: (chatId) =>
      paced(async () => {
        const chat = await api.getChat(chatId);
        return {
          id: chat.id,
          type: chat.type as ChatType | "private",
          title: "title" in chat ? chat.title : undefined,
        };
      }),
    getChatMember: (chatId, userId) =>
      paced(
        async () =>
          (await api.getChatMember(chatId, userId)) as unknown as ChatMemberFacts & { user: { id: number } },
      ),
    getChatAdministrators: (chatId) =>
      paced(
        async () =>
          (await api.getChatAdministrators(chatId)) as unknown as (ChatMemberFacts & {
            user: { id: number; is_bot: boolean };
          })[],
      ),
    createJoinRequestLink: (chatId, name) =>
      paced(
        async () =>
          (await api.createChatInviteLink(chatId, { name, creates_join_request: true })).invite_link,
      ),
    revokeInviteLink: (chatId, link) =>
      paced(async () => void (await api.revokeChatInviteLink(chatId, link))),
    approveJoinRequest: (chatId, userId) =>
      paced(async () => void (await api.approveChatJoinRequest(chatId, userId))),
    declineJoinRequest: (chatId, userId) =>
      paced(async () => void (await api.declineChatJoinRequest(chatId, userId))),
    ban: (chatId, userId) => paced(async () => void (await api.banChatMember(chatId, userId))),
    unban: (chatId, userId) =>
      paced(async () => void (await api.unbanChatMember(chatId, userId, { only_if_banned: true }))),
    post: (chatId, text, replyTo) =>
      paced(
        async () =>
          (
            await api.sendMessage(chatId, text, {
              parse_mode: "HTML",
              link_preview_options: { is_disabled: true },
              ...(replyTo
                ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }
                : {}),
            })
          ).message_id,
        `tg-send:group:${chatId}`,
      ),
    edit: (chatId, messageId, text) =>
      paced(
        async () =>
          void (await api.editMessageText(chatId, messageId, text, {
            parse_mode: "HTML",
            link_preview_options: { is_disabled: true },
          })),
      ),
  };
}
