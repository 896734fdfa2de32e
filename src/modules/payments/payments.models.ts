import { createHmac, timingSafeEqual } from "node:crypto";
import type Stripe from "stripe";

/**
 * The token that lets a browser without a bearer token see one order's state on the checkout
 * pages: an HMAC of the order id under the server's secret, so only the links we hand out (to
 * Stripe as success/cancel URLs, to a free order's buyer) open them.
 */
export function checkoutPageToken(secret: string, orderId: string): string {
  return createHmac("sha256", secret).update(`checkout-page:${orderId}`).digest("base64url").slice(0, 32);
}

export function isCheckoutPageToken(secret: string, orderId: string, token: string | undefined): boolean {
  if (typeof token !== "string") return false;
  const want = Buffer.from(checkoutPageToken(secret, orderId));
  const got = Buffer.from(token);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** The bot's chat, and with a start parameter when given (`t.me/<bot>?start=ref_CODE`). */
export function botLink(botUsername: string | undefined, start?: string): string | null {
  if (!botUsername) return null;
  return `https://t.me/${botUsername}${start ? `?start=${encodeURIComponent(start)}` : ""}`;
}

/**
 * Telegram Stars rules, declared once: the currency code Telegram uses for Stars, the default
 * exchange rate (config STARS_PER_GBP), and how an order's price becomes a Stars price. The
 * bot issues Stars invoices with these, the orders module checks a Stars payment with them.
 */

/** Telegram's currency code for Stars (XTR); a Stars amount is a whole number of stars. */
export const STARS_CURRENCY = "XTR";

/** Stars charged per pound sterling unless STARS_PER_GBP says otherwise. */
export const DEFAULT_STARS_PER_GBP = 75;

/**
 * SPEC: the Stars price is the order's GBP-equivalent total × STARS_PER_GBP, rounded up to a
 * whole star (never undercharge by rounding).
 */
export function starsFor(gbpMinor: number, starsPerGbp: number): number {
  if (!Number.isSafeInteger(gbpMinor) || gbpMinor <= 0) throw new RangeError("gbpMinor must be positive");
  const product = BigInt(gbpMinor) * BigInt(starsPerGbp);
  return Number((product + 99n) / 100n);
}

/**
 * The Stripe webhook events the service acts on (API.md §5 and §13), declared once: the webhook
 * has one handler for each, and the README lists exactly these for the operator to enable
 * (test/readme-stripe-events.test.ts). Any other event is stored and answered `ignored`.
 */
export const HANDLED_STRIPE_EVENTS = [
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.expired",
  "charge.refunded",
  "invoice.paid",
  "invoice.payment_failed",
  "customer.subscription.updated",
  "customer.subscription.deleted",
] as const satisfies readonly Stripe.Event.Type[];
export type HandledStripeEvent = (typeof HANDLED_STRIPE_EVENTS)[number];

export const isHandledStripeEvent = (type: string): type is HandledStripeEvent =>
  (HANDLED_STRIPE_EVENTS as readonly string[]).includes(type);
