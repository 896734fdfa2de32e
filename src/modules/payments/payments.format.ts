import { STARS_CURRENCY } from "./payments.models";

/** Money and times as people read them: the bot's messages and the checkout pages. */

const SYMBOLS: Record<string, string> = { GBP: "£", USD: "$", EUR: "€", SGD: "S$" };

/** Integer minor units as a person reads them: 29902 EUR → "€299.02", −415 → "−€4.15". */
export function formatMoney(amountMinor: number, currency: string): string {
  if (currency === STARS_CURRENCY) return `${amountMinor} ⭐`;
  const sign = amountMinor < 0 ? "−" : "";
  const abs = Math.abs(amountMinor);
  const units = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
  const symbol = SYMBOLS[currency];
  return symbol ? `${sign}${symbol}${units}` : `${sign}${units} ${currency}`;
}

/** "21 Nov 2026 10:00 UTC": unambiguous for subscribers in any time zone. */
export function formatTime(at: Date | string): string {
  const d = typeof at === "string" ? new Date(at) : at;
  const month = d.toLocaleString("en-GB", { month: "short", timeZone: "UTC" });
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  return `${d.getUTCDate()} ${month} ${d.getUTCFullYear()} ${hh}:${mm} UTC`;
}
