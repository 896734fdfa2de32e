import type { Update } from "grammy/types";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { FakeTelegramApi, type RecordedCall } from "../../../test/fakes/telegram-api";
import { useTestApp } from "../../../test/support/app";
import { TEST_BOT_TOKEN, TEST_WEBHOOK_SECRET } from "../../../test/support/config";
import { createI18n } from "./telegram.i18n";
import type { TelegramBot } from "./telegram.module";

export const ADMIN_TG_ID = 900_001;
/** The English catalogue, for tests that call a text-making function directly. */
export const en = createI18n({}).translator("en");
export const BOT_USERNAME = "signaldesk_test_bot";

export interface Person {
  id: number;
  first_name: string;
  username?: string;
  is_bot?: boolean;
  /** The Telegram app's language (IETF tag), as Telegram sends it in `from`. */
  language_code?: string;
}

let updateIds = 1_000;
let telegramIds = 500_000;
let messageIds = 1;

export const person = (overrides: Partial<Person> = {}): Person => ({
  id: telegramIds++,
  first_name: "Ada",
  username: `ada${telegramIds}`,
  ...overrides,
});
export const admin = (): Person => person({ id: ADMIN_TG_ID, first_name: "Root", username: "root" });

const userOf = (p: Person) => ({
  id: p.id,
  is_bot: p.is_bot ?? false,
  first_name: p.first_name,
  username: p.username,
  ...(p.language_code ? { language_code: p.language_code } : {}),
});
const chatOf = (p: Person) => ({ id: p.id, type: "private" as const, first_name: p.first_name });

/** A supergroup the bot was added to, as Telegram describes it in updates. */
export const GROUP = { id: -1_001_234_567_890, type: "supergroup" as const, title: "Traders" };

const commandEntity = (text: string) => {
  const command = /^\/\S+/.exec(text)?.[0];
  return command ? { entities: [{ type: "bot_command", offset: 0, length: command.length }] } : {};
};

/** Real Update JSON as Telegram sends it, bot_command entity included. */
export const updates = {
  /** A message in a group chat (the bot sees commands there, privacy mode on). */
  groupMessage(from: Person, text: string, chat = GROUP): Update {
    return {
      update_id: updateIds++,
      message: {
        message_id: messageIds++,
        date: Math.floor(Date.now() / 1000),
        chat,
        from: userOf(from),
        text,
        ...commandEntity(text),
      },
    } as Update;
  },
  /** A button pressed under a message the bot sent into a group. */
  groupCallback(from: Person, data: string, chat = GROUP, messageId = 88): Update {
    return {
      update_id: updateIds++,
      callback_query: {
        id: `cbq${updateIds}`,
        from: userOf(from),
        chat_instance: "gci",
        data,
        message: {
          message_id: messageId,
          date: Math.floor(Date.now() / 1000),
          chat,
          from: { id: 123456, is_bot: true, first_name: "bot", username: BOT_USERNAME },
          text: "…",
        },
      },
    } as Update;
  },
  /** The bot's own membership of a person's private chat changed: "kicked" is blocked, "member" unblocked. */
  myChatMember(from: Person, oldStatus: "member" | "kicked", newStatus: "member" | "kicked"): Update {
    const bot = { id: 123456, is_bot: true, first_name: "bot", username: BOT_USERNAME };
    const member = (status: "member" | "kicked") =>
      status === "kicked" ? { status, user: bot, until_date: 0 } : { status, user: bot };
    return {
      update_id: updateIds++,
      my_chat_member: {
        chat: chatOf(from),
        from: userOf(from),
        date: Math.floor(Date.now() / 1000),
        old_chat_member: member(oldStatus),
        new_chat_member: member(newStatus),
      },
    } as Update;
  },
  message(from: Person, text: string, updateId = updateIds++): Update {
    const command = /^\/\S+/.exec(text)?.[0];
    return {
      update_id: updateId,
      message: {
        message_id: messageIds++,
        date: Math.floor(Date.now() / 1000),
        chat: chatOf(from),
        from: userOf(from),
        text,
        ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command.length }] } : {}),
      },
    } as Update;
  },
  callback(from: Person, data: string, messageId = 77): Update {
    return {
      update_id: updateIds++,
      callback_query: {
        id: `cbq${updateIds}`,
        from: userOf(from),
        chat_instance: "ci",
        data,
        message: {
          message_id: messageId,
          date: Math.floor(Date.now() / 1000),
          chat: chatOf(from),
          from: { id: 123456, is_bot: true, first_name: "bot", username: BOT_USERNAME },
          text: "…",
        },
      },
    } as Update;
  },
  preCheckout(from: Person, payload: string, total: number, currency = "XTR"): Update {
    return {
      update_id: updateIds++,
      pre_checkout_query: {
        id: `pcq${updateIds}`,
        from: userOf(from),
        currency,
        total_amount: total,
        invoice_payload: payload,
      },
    } as Update;
  },
  payment(from: Person, payload: string, total: number, chargeId: string, currency = "XTR"): Update {
    return {
      update_id: updateIds++,
      message: {
        message_id: messageIds++,
        date: Math.floor(Date.now() / 1000),
        chat: chatOf(from),
        from: userOf(from),
        successful_payment: {
          currency,
          total_amount: total,
          invoice_payload: payload,
          telegram_payment_charge_id: chargeId,
          provider_payment_charge_id: "",
        },
      },
    } as Update;
  },
};

export interface ChatRef {
  id: number;
  type: "channel" | "supergroup" | "group";
  title: string;
}

type MemberStatusJson = Record<string, unknown> & { status: string };

/** Chat updates as Telegram sends them: ChatJoinRequest and ChatMemberUpdated. */
export const chatUpdates = {
  joinRequest(chat: ChatRef, from: Person): Update {
    return {
      update_id: updateIds++,
      chat_join_request: {
        chat,
        from: userOf(from),
        user_chat_id: from.id,
        date: Math.floor(Date.now() / 1000),
        invite_link: {
          invite_link: "https://t.me/+fake...",
          creator: { id: 123456, is_bot: true, first_name: "bot" },
          creates_join_request: true,
          is_primary: false,
          is_revoked: false,
        },
      },
    } as Update;
  },
  /** The bot's own membership changed (`my_chat_member`), by `from`. */
  myChatMember(
    chat: ChatRef,
    from: Person,
    oldMember: MemberStatusJson,
    newMember: MemberStatusJson,
  ): Update {
    const bot = { id: 123456, is_bot: true, first_name: "signaldesk", username: BOT_USERNAME };
    return {
      update_id: updateIds++,
      my_chat_member: {
        chat,
        from: userOf(from),
        date: Math.floor(Date.now() / 1000),
        old_chat_member: { user: bot, ...oldMember },
        new_chat_member: { user: bot, ...newMember },
      },
    } as Update;
  },
  /** Someone else's membership changed (`chat_member`, sent to admin bots that ask for it). */
  chatMember(chat: ChatRef, from: Person, who: Person, oldStatus: string, newStatus: string): Update {
    return {
      update_id: updateIds++,
      chat_member: {
        chat,
        from: userOf(from),
        date: Math.floor(Date.now() / 1000),
        old_chat_member: { user: userOf(who), status: oldStatus },
        new_chat_member: { user: userOf(who), status: newStatus },
      },
    } as Update;
  },
  /** A private message forwarded from a channel post. */
  forwardedFrom(from: Person, chat: ChatRef): Update {
    return {
      update_id: updateIds++,
      message: {
        message_id: messageIds++,
        date: Math.floor(Date.now() / 1000),
        chat: chatOf(from),
        from: userOf(from),
        text: "EURUSD buy 1.0850",
        forward_origin: { type: "channel", chat, message_id: 42, date: Math.floor(Date.now() / 1000) - 60 },
      },
    } as Update;
  },
};

/**
 * An app whose bot runs in webhook mode against a fake Bot API on 127.0.0.1; updates go in
 * through POST /telegram/webhook exactly as Telegram sends them.
 */
export function useTelegramApp(
  env: Record<string, string> = {},
  /** Environment known only once other fakes have started (read in beforeAll). */
  lateEnv: () => Record<string, string> = () => ({}),
) {
  const api = new FakeTelegramApi();
  api.botUsername = BOT_USERNAME;
  api.botId = Number(TEST_BOT_TOKEN.split(":")[0]);
  const appEnv: Record<string, string> = {
    TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
    TELEGRAM_BOT_USERNAME: BOT_USERNAME,
    TELEGRAM_MODE: "webhook",
    ADMIN_TELEGRAM_IDS: String(ADMIN_TG_ID),
    ...env,
  };
  beforeAll(async () => {
    await api.start();
    appEnv.TELEGRAM_API_ROOT = api.url;
    Object.assign(appEnv, lateEnv());
  });
  afterAll(() => api.stop());
  beforeEach(() => api.reset());
  const ctx = useTestApp({ env: appEnv });

  const telegram = (): TelegramBot => ctx().deps.telegram!;
  /** `secret: null` sends no secret header; a string payload is sent as is (malformed JSON). */
  const post = (payload: unknown, secret: string | null = TEST_WEBHOOK_SECRET) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (secret !== null) headers["x-telegram-bot-api-secret-token"] = secret;
    const body = typeof payload === "string" ? payload : JSON.stringify(payload);
    return ctx().app.inject({ method: "POST", url: "/telegram/webhook", headers, payload: body });
  };

  /** Delivers one update and waits until the bot has finished with it. */
  async function send(update: Update) {
    const res = await post(update);
    await telegram().intake.settled();
    return res;
  }

  const callsTo = (chatId: number, method?: string): RecordedCall[] =>
    api.calls.filter(
      (c) => Number(c.params.chat_id) === chatId && (method === undefined || c.method === method),
    );
  /** The text of the last message or edit the bot sent into this chat. */
  const lastText = (chatId: number): string => {
    const last = callsTo(chatId)
      .filter((c) => c.method === "sendMessage" || c.method === "editMessageText")
      .at(-1);
    return String(last?.params.text ?? "");
  };
  const buttonsOf = (
    call: RecordedCall | undefined,
  ): { text: string; callback_data?: string; url?: string }[] =>
    (
      (call?.params.reply_markup as { inline_keyboard?: unknown[][] } | undefined)?.inline_keyboard ?? []
    ).flat() as never;
  const lastButtons = (chatId: number) =>
    buttonsOf(
      callsTo(chatId)
        .filter((c) => c.method === "sendMessage" || c.method === "editMessageText")
        .at(-1),
    );
  const callbackAnswers = () => api.callsOf("answerCallbackQuery").map((c) => String(c.params.text ?? ""));

  /** The default catalog's tiers: premium, vip, enterprise. */
  async function tiers() {
    await ctx().deps.catalog.seedDefaultCatalog();
    const [premium, vip, enterprise] = (await ctx().deps.catalog.view()).categories[0]!.products[0]!.tiers;
    return { premium: premium!, vip: vip!, enterprise: enterprise! };
  }
  /** The signaldesk user behind a person, created as first contact would (without an update). */
  async function userOf(p: Person) {
    const { user } = await ctx().deps.users.ensureFromTelegram({
      telegramId: p.id,
      username: p.username ?? null,
      firstName: p.first_name,
    });
    return user;
  }

  return {
    ctx,
    api,
    telegram,
    post,
    send,
    callsTo,
    lastText,
    lastButtons,
    buttonsOf,
    callbackAnswers,
    tiers,
    userOf,
  };
}
