import { postEvent, request, retrieveLaunchParams, retrieveRawInitData } from "@telegram-apps/bridge";

/**
 * What Telegram hands a Mini App at launch (in the URL fragment): the signed initData the
 * server checks (API §3) and the user's theme, applied as CSS variables so the app looks like
 * the chat it was opened from.
 */
export function launch(): { initData: string | undefined } {
  let initData: string | undefined;
  try {
    initData = retrieveRawInitData();
    const { tgWebAppThemeParams: theme } = retrieveLaunchParams(true);
    const root = document.documentElement.style;
    const vars: Record<string, string | undefined> = {
      "--tg-bg": theme.bgColor,
      "--tg-text": theme.textColor,
      "--tg-hint": theme.hintColor,
      "--tg-link": theme.linkColor,
      "--tg-button": theme.buttonColor,
      "--tg-button-text": theme.buttonTextColor,
      "--tg-secondary-bg": theme.secondaryBgColor,
    };
    for (const [name, value] of Object.entries(vars)) if (value) root.setProperty(name, value);
    postEvent("web_app_ready");
    postEvent("web_app_expand");
  } catch {
    // Opened outside Telegram: no initData, the page says so.
  }
  return { initData };
}

/** Opens a web page (Stripe Checkout) in the user's browser, or in this tab outside Telegram. */
export function openLink(url: string): void {
  try {
    postEvent("web_app_open_link", { url });
  } catch {
    window.location.assign(url);
  }
}

/** Opens a t.me link (a channel's join-request link) inside Telegram, or in this tab outside it. */
export function openTelegramLink(url: string): void {
  try {
    const path = new URL(url).pathname + new URL(url).search;
    postEvent("web_app_open_tg_link", { path_full: path });
  } catch {
    window.location.assign(url);
  }
}

/**
 * The slug of an invoice link as createInvoiceLink makes it (`https://t.me/$slug`, or
 * `https://t.me/invoice/slug`), read the way Telegram's own WebApp.openInvoice reads it.
 */
export function invoiceSlug(url: string): string | null {
  const link = new URL(url);
  if (link.hostname !== "t.me") return null;
  return /^\/(\$|invoice\/)([A-Za-z0-9\-_=]+)$/.exec(link.pathname)?.[2] ?? null;
}

/**
 * Telegram's payment sheet for an invoice link (what WebApp.openInvoice(url, callback) does):
 * resolves with how the sheet was closed: "paid", "cancelled", "failed" or "pending".
 * Outside Telegram there is no sheet, and this throws.
 */
export async function openInvoice(url: string): Promise<string> {
  const slug = invoiceSlug(url);
  if (!slug) throw new Error("Not a Telegram invoice link");
  const closed = await request("web_app_open_invoice", "invoice_closed", {
    params: { slug },
    capture: (event) => event.slug === slug,
  });
  return closed.status;
}
