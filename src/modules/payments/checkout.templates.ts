import { html, page, type Safe } from "../../shared/http/html";
import { formatMoney, formatTime } from "./payments.format";

export interface CheckoutPageView {
  orderId: string;
  /** The order's effective status (a pending order past its expiry reads `expired`). */
  status: "pending" | "paid" | "cancelled" | "expired" | "refunded";
  planName: string;
  months: number;
  totalMinor: number;
  currency: string;
  /** When the plan this order paid for ends, once it is paid. */
  activeUntil: Date | null;
  expiresAt: Date;
}

const monthsText = (m: number) => (m === 1 ? "1 month" : `${m} months`);

function details(v: CheckoutPageView): Safe {
  return html`<dl><dt>Order</dt><dd>${v.orderId}</dd><dt>Plan</dt><dd>${v.planName}, ${monthsText(v.months)}</dd><dt>Total</dt><dd>${formatMoney(v.totalMinor, v.currency)}</dd></dl>`;
}

function backToBot(botUrl: string | null): Safe {
  return botUrl
    ? html`<a class="button" href="${botUrl}">Back to the bot</a>`
    : html`<p class="muted">You can close this page and go back to Telegram.</p>`;
}

/** What the order's state means for the buyer, on either page. */
function stateText(v: CheckoutPageView, page: "success" | "cancel"): { title: string; body: Safe } {
  switch (v.status) {
    case "paid":
      return {
        title: "Payment received",
        body: html`<p>Thank you! Your plan is active${v.activeUntil ? html` until <strong>${formatTime(v.activeUntil)}</strong>` : ""}. The bot has sent you the details.</p>`,
      };
    case "pending":
      return page === "success"
        ? {
            title: "Confirming your payment…",
            body: html`<p id="waiting">Stripe is confirming your payment. This page updates by itself as soon as it lands; the bot will also message you.</p>`,
          }
        : {
            title: "Payment cancelled",
            body: html`<p>Nothing was charged. Your order stays open until ${formatTime(v.expiresAt)}: you can pay it from the bot.</p>`,
          };
    case "cancelled":
      return {
        title: "Order cancelled",
        body: html`<p>This order was cancelled. Start again from /shop in the bot.</p>`,
      };
    case "expired":
      return {
        title: "Order expired",
        body: html`<p>This order expired before it was paid. Start again from /shop in the bot.</p>`,
      };
    case "refunded":
      return {
        title: "Order refunded",
        body: html`<p>This order was refunded; the plan period it paid for was removed.</p>`,
      };
  }
}

/**
 * Polls the order's state every 2 s (slower after a minute) while it is pending, and reloads
 * the page once the webhook has landed; gives up politely after 10 minutes.
 */
function pollScript(stateUrl: string): string {
  return `(function(){var url=${JSON.stringify(stateUrl)};var started=Date.now();
function tick(){fetch(url,{cache:"no-store"}).then(function(r){return r.ok?r.json():null}).then(function(s){
if(s&&s.status!=="pending"){location.reload();return}next()}).catch(next)}
function next(){var age=Date.now()-started;if(age>600000){var w=document.getElementById("waiting");if(w)w.textContent="This is taking longer than usual. The bot will message you as soon as the payment is confirmed.";return}
setTimeout(tick,age<60000?2000:10000)}next()})();`;
}

export function checkoutPage(
  which: "success" | "cancel",
  v: CheckoutPageView,
  links: { botUrl: string | null; stateUrl: string },
) {
  const { title, body } = stateText(v, which);
  const poll = which === "success" && v.status === "pending";
  return page({
    title,
    body: html`<h1>${title}</h1>${body}${details(v)}${backToBot(links.botUrl)}`,
    script: poll ? pollScript(links.stateUrl) : undefined,
  });
}

export function orderNotFoundPage(botUrl: string | null) {
  return page({
    title: "Order not found",
    body: html`<h1>Order not found</h1><p>This link does not match an order. Open your orders from the bot.</p>${backToBot(botUrl)}`,
  });
}
