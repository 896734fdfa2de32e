import { InlineKeyboard } from "grammy";
import type { OrderRow } from "../orders/orders.table";
import type { QuoteLineCode } from "../pricing/pricing.models";
import { escapeHtml, formatMoney, formatTime } from "./telegram.format";

const LINE_NAMES: Record<QuoteLineCode, string> = {
  base: "Plan price",
  regional_markup: "Regional pricing",
  affiliate_discount: "Referral discount",
  volume_discount: "Multi-month discount",
  coupon: "Coupon",
};

/** The order as the buyer sees it before paying: the locked quote, line by line. */
export function orderSummary(order: OrderRow, tierName: string): string {
  const months = order.months === 1 ? "1 month" : `${order.months} months`;
  const lines = order.quote.lines.map(
    (l) => `${LINE_NAMES[l.code]}: ${formatMoney(l.amountMinor, order.quote.currency)}`,
  );
  return [
    `<b>Order ${order.id}</b>`,
    `${escapeHtml(tierName)}, ${months}`,
    "",
    ...lines,
    `<b>Total: ${formatMoney(order.totalMinor, order.currency)}</b>`,
    "",
    `This price is held until ${formatTime(order.expiresAt)}.`,
  ].join("\n");
}

/** The buttons under an order: pay (or activate, when a coupon made it free), a coupon, cancel. */
export function payKeyboard(order: OrderRow): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (order.totalMinor === 0) keyboard.text("✅ Activate", `pay:card:${order.id}`);
  else
    keyboard
      .text("💳 Pay by card", `pay:card:${order.id}`)
      .text("⭐ Pay with Stars", `pay:stars:${order.id}`);
  keyboard.row();
  if (!order.couponCode) keyboard.text("🏷 I have a coupon", `order:coupon:${order.id}`);
  return keyboard.text("Cancel order", `order:cancel:${order.id}`);
}
