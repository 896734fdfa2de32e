import { createHmac, timingSafeEqual } from "node:crypto";

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
