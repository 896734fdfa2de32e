import type { Update } from "grammy/types";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { createI18n } from "../../src/modules/telegram/telegram.i18n";
import type { TelegramBot } from "../../src/modules/telegram/telegram.module";
import { FakeTelegramApi, type RecordedCall } from "../fakes/telegram-api";
import { useTestApp } from "./app";
import { ADMIN_TG_ID, BOT_USERNAME, TEST_BOT_TOKEN, TEST_WEBHOOK_SECRET } from "./config";
import { type Person, updates } from "./factories";

/** The bot's catalogues, for tests outside the bot that call a text-making function directly. */
export const catalogue = createI18n({}).translator;
/** The English catalogue, for tests that call a text-making function directly. */
export const en = catalogue("en");

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
  /** Presses the button labelled `label` under the last message the bot sent or edited for `p`. */
  async function press(p: Person, label: string) {
    const button = lastButtons(p.id).find((b) => b.text === label);
    if (!button?.callback_data) throw new Error(`no "${label}" button under the last message to ${p.id}`);
    return send(updates.callback(p, button.callback_data));
  }
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
    press,
    tiers,
    userOf,
  };
}
