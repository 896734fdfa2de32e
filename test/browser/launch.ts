import { signInitData } from "../../src/modules/auth/auth.models";
import { TEST_BOT_TOKEN } from "../support/config";

/** Telegram's dark theme, as a Mini App receives it in tgWebAppThemeParams. */
const DARK_THEME = {
  bg_color: "#17212b",
  text_color: "#f5f5f5",
  hint_color: "#708499",
  link_color: "#6ab3f3",
  button_color: "#5288c1",
  button_text_color: "#ffffff",
  secondary_bg_color: "#232e3c",
};

/** The launch fragment Telegram appends to a Mini App's URL, with initData signed by the bot token. */
export function launchFragment(telegramId: number, now: Date): string {
  const initData = signInitData(
    {
      query_id: "AAF-test",
      user: JSON.stringify({
        id: telegramId,
        first_name: "Sam",
        username: "sam_trader",
        language_code: "en",
      }),
      auth_date: String(Math.floor(now.getTime() / 1000)),
      // Telegram adds an Ed25519 signature (for third parties) beside the bot's hash; it is part
      // of the signed fields, and the Mini App SDK expects it.
      signature: "c2lnbmF0dXJlLWZvci10aGlyZC1wYXJ0aWVzLW5vdC1jaGVja2VkLWhlcmU",
    },
    TEST_BOT_TOKEN,
  );
  const params = new URLSearchParams({
    tgWebAppData: initData,
    tgWebAppVersion: "8.0",
    tgWebAppPlatform: "android",
    tgWebAppThemeParams: JSON.stringify(DARK_THEME),
  });
  return `#${params.toString()}`;
}

/** Telegram's side of the Mini App bridge, in the page: the events the app posts, and a way to answer. */
export const TELEGRAM_PROXY = `
  window.__telegramEvents = [];
  window.TelegramWebviewProxy = {
    postEvent(type, data) { window.__telegramEvents.push({ type, data: data ? JSON.parse(data) : null }); },
  };
`;
