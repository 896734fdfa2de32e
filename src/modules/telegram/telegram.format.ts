export { formatMoney, formatTime } from "../payments/payments.format";

/** Replies use parse_mode HTML; anything a person or operator typed is escaped first. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

export const percent = (rate: string | number): string => `${Math.round(Number(rate) * 100)} %`;
