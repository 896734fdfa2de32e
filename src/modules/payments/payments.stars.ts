import type { Config } from "../../config";
import { PaymentErrors } from "./payments.errors";
import { STARS_CURRENCY } from "./payments.models";

/** A Stars invoice as Telegram takes it (Bot API `createInvoiceLink`, currency XTR). */
export interface StarsInvoice {
  /** 1..32 characters. */
  title: string;
  /** 1..255 characters. */
  description: string;
  /** Our order id: the pre-checkout and successful_payment carry it back. */
  payload: string;
  /** Whole stars. */
  amount: number;
  /** Seconds between charges of a Star subscription (Telegram accepts 2592000, 30 days, only). */
  subscriptionPeriod?: number;
}

/** Telegram's side of a Stars invoice link, so the HTTP API can hand one out without the bot's update loop. */
export interface StarsInvoiceLinks {
  create(invoice: StarsInvoice): Promise<string>;
}

/** Telegram's refund of a Stars payment. */
export interface StarsRefunds {
  /** Gives the stars of a charge back; a charge refunded before counts as done. */
  refund(userTelegramId: number, chargeId: string): Promise<void>;
}

/** The invoice's words in the buyer's language; the composition root gives the bot's catalogues. */
export interface StarsInvoiceWords {
  for(user: { locale: string | null; languageCode: string | null }): {
    title(tier: string | undefined, months: number): string;
    description(orderId: string): string;
  };
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * `createInvoiceLink` as a plain Bot API call (like `editUserStarSubscription` in the
 * subscriptions module): the link opens Telegram's Stars payment sheet (`WebApp.openInvoice` in
 * the Mini App), and the payment comes back to the bot as a pre-checkout query and a
 * successful_payment, the same as an invoice the bot sent in the chat.
 */
export function starsInvoiceLinks(telegram: Config["telegram"]): StarsInvoiceLinks {
  const root = telegram.apiRoot.replace(/\/+$/, "");
  return {
    async create(invoice) {
      const title = cut(invoice.title, 32);
      let res: Response;
      try {
        res = await fetch(`${root}/bot${telegram.botToken}/createInvoiceLink`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            title,
            description: cut(invoice.description, 255),
            payload: invoice.payload,
            currency: STARS_CURRENCY,
            prices: [{ label: title, amount: invoice.amount }],
            ...(invoice.subscriptionPeriod ? { subscription_period: invoice.subscriptionPeriod } : {}),
          }),
          signal: AbortSignal.timeout(15_000),
        });
      } catch (err) {
        throw PaymentErrors.providerFailed(`Telegram did not answer: ${(err as Error).message}`);
      }
      const body = (await res.json().catch(() => ({}))) as {
        ok?: boolean;
        result?: unknown;
        description?: string;
      };
      if (!body.ok || typeof body.result !== "string")
        throw PaymentErrors.providerFailed(`Telegram answered: ${body.description ?? res.status}`);
      return body.result;
    },
  };
}

/** `refundStarPayment` as a plain Bot API call, so an admin can refund from the console. */
export function starsRefunds(telegram: Config["telegram"]): StarsRefunds {
  const root = telegram.apiRoot.replace(/\/+$/, "");
  return {
    async refund(userTelegramId, chargeId) {
      let res: Response;
      try {
        res = await fetch(`${root}/bot${telegram.botToken}/refundStarPayment`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ user_id: userTelegramId, telegram_payment_charge_id: chargeId }),
          signal: AbortSignal.timeout(15_000),
        });
      } catch (err) {
        throw PaymentErrors.providerFailed(`Telegram did not answer: ${(err as Error).message}`);
      }
      const body = (await res.json().catch(() => ({}))) as { ok?: boolean; description?: string };
      // Refunded at Telegram earlier (then our side failed): our side finishes now.
      if (body.ok || /CHARGE_ALREADY_REFUNDED/i.test(body.description ?? "")) return;
      throw PaymentErrors.providerFailed(`Telegram answered: ${body.description ?? res.status}`);
    },
  };
}
