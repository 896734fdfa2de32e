import type { ChatMemberFacts, PostWords } from "./channels.models";
import type { ChatType } from "./channels.table";

/** A Bot API refusal, as the port reports it (a 429 has been waited out before this is thrown). */
export class BotCallError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
  ) {
    super(`${code} ${description}`);
  }
  /** The bot lacks a right it needs in the chat, or is not in it any more. */
  get rightsLost(): boolean {
    return (
      this.code === 403 ||
      /not enough rights|CHAT_ADMIN_REQUIRED|bot is not a member|have no rights|need administrator/i.test(
        this.description,
      )
    );
  }
}

/**
 * What the channels module needs from Telegram. The composition root implements it over the one
 * paced sender (Telegram's overall and per-chat limits, `retry_after` honoured), so the module
 * never imports the bot. Each call throws a `BotCallError` when Telegram refuses it.
 */
export interface ChannelsBotPort {
  readonly botId: number;
  getChat(chatId: number): Promise<{ id: number; type: ChatType | "private"; title?: string }>;
  getChatMember(chatId: number, userId: number): Promise<ChatMemberFacts & { user: { id: number } }>;
  getChatAdministrators(
    chatId: number,
  ): Promise<(ChatMemberFacts & { user: { id: number; is_bot: boolean } })[]>;
  createJoinRequestLink(chatId: number, name: string): Promise<string>;
  /** Revokes a link the bot made: it admits nobody, and asks for nobody's admission, any more. */
  revokeInviteLink(chatId: number, link: string): Promise<void>;
  approveJoinRequest(chatId: number, userId: number): Promise<void>;
  declineJoinRequest(chatId: number, userId: number): Promise<void>;
  ban(chatId: number, userId: number): Promise<void>;
  unban(chatId: number, userId: number): Promise<void>;
  /** Sends a post (HTML), optionally as a reply; returns the channel's message id. */
  post(chatId: number, text: string, replyTo?: number): Promise<number>;
  edit(chatId: number, messageId: number, text: string): Promise<void>;
}

/**
 * The bot's catalogues as the channels module needs them (the composition root gives them, so
 * the module never imports the bot): the language a person speaks with the bot, and the words
 * of a post in a language.
 */
export interface ChannelWords {
  languageOf(user: { locale: string | null; languageCode: string | null }): string;
  in(locale: string): PostWords;
}
