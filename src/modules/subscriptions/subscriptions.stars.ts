import type { Config } from "../../config";
import { PaymentErrors } from "../payments/payments.errors";
import type { SubscriptionGateways } from "./subscriptions.service";

/**
 * Telegram's side of a Star subscription: `editUserStarSubscription` cancels (or re-enables)
 * the renewal of the subscription the given charge started. A plain Bot API call, so the HTTP
 * API can cancel without the bot's update loop.
 */
export function starsGateway(telegram: Config["telegram"]): NonNullable<SubscriptionGateways["stars"]> {
  const root = telegram.apiRoot.replace(/\/+$/, "");
  return {
    async editSubscription(userTelegramId, chargeId, isCanceled) {
      const res = await fetch(`${root}/bot${telegram.botToken}/editUserStarSubscription`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          user_id: userTelegramId,
          telegram_payment_charge_id: chargeId,
          is_canceled: isCanceled,
        }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await res.json().catch(() => ({}))) as { ok?: boolean; description?: string };
      if (!body.ok)
        throw PaymentErrors.providerFailed(`Telegram answered: ${body.description ?? res.status}`);
    },
  };
}
