import { format, formatDistanceToNowStrict, parseISO } from "date-fns";

/** Minor units → a localised amount, with the currency's own number of decimals (JPY 0, GBP 2). */
export function money(amountMinor: number, currency: string): string {
  const formatter = new Intl.NumberFormat(undefined, { style: "currency", currency });
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(amountMinor / 10 ** digits);
}

export function dateTime(iso: string | null | undefined): string {
  return iso ? format(parseISO(iso), "d MMM yyyy, HH:mm") : "—";
}

export function day(iso: string | null | undefined): string {
  return iso ? format(parseISO(iso), "d MMM yyyy") : "—";
}

export function ago(iso: string | null | undefined): string {
  return iso ? `${formatDistanceToNowStrict(parseISO(iso))} ago` : "never";
}

/** Minor units → major units of the currency (for charts), by its own number of decimals. */
export function majorUnits(amountMinor: number, currency: string): number {
  const digits =
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return amountMinor / 10 ** digits;
}
