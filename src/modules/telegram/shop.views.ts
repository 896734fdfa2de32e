import { InlineKeyboard } from "grammy";
import type { OrderRow } from "../orders/orders.table";
import type { QuoteLineCode } from "../pricing/pricing.models";
import { starsCanRenew } from "../subscriptions/subscriptions.models";
import { escapeHtml, formatMoney, formatTime } from "./telegram.format";
import type { Translate } from "./telegram.i18n";

const LINE_NAMES: Record<QuoteLineCode, (t: Translate) => string> = {
  base: (t) => t("quote-base"),
  regional_markup: (t) => t("quote-regional-markup"),
  affiliate_discount: (t) => t("quote-affiliate-discount"),
  volume_discount: (t) => t("quote-volume-discount"),
  coupon: (t) => t("quote-coupon"),
};

/** The order as the buyer sees it before paying: the locked quote, line by line. */
export function orderSummary(order: OrderRow, tierName: string, t: Translate): string {
  const lines = order.quote.lines.map(
    (l) => `${LINE_NAMES[l.code](t)}: ${formatMoney(l.amountMinor, order.quote.currency)}`,
  );
  return [
    t("order-title", { id: order.id }),
    t("order-plan", { tier: escapeHtml(tierName), months: order.months }),
    "",
    ...lines,
    t("order-total", { total: formatMoney(order.totalMinor, order.currency) }),
    ...(order.renewal === "auto"
      ? [t(starsCanRenew(order.months) ? "order-renews" : "order-renews-card", { months: order.months })]
      : []),
    "",
    t("order-held-until", { at: formatTime(order.expiresAt) }),
  ].join("\n");
}

/**
 * The buttons under an order: pay (or activate, when a coupon made it free), a coupon, cancel.
 * Stars are offered unless the order renews by itself over a length Stars cannot renew.
 */
export function payKeyboard(order: OrderRow, t: Translate): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (order.totalMinor === 0) keyboard.text(t("order-activate"), `pay:card:${order.id}`);
  else {
    keyboard.text(t("order-pay-card"), `pay:card:${order.id}`);
    if (order.renewal !== "auto" || starsCanRenew(order.months))
      keyboard.text(t("order-pay-stars"), `pay:stars:${order.id}`);
  }
  keyboard.row();
  if (!order.couponCode) keyboard.text(t("order-coupon"), `order:coupon:${order.id}`);
  return keyboard.text(t("order-cancel"), `order:cancel:${order.id}`);
}
