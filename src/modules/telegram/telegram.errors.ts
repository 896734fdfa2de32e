import { AppError, CommonErrors, defineErrors, retitled } from "../../shared/errors";
import type { Translate } from "./telegram.i18n";

/** Codes whose API wording would puzzle a person in a chat get their own sentence. */
const PHRASES: Record<string, (t: Translate) => string> = {
  "entitlements.required": (t) => t("refusal-entitlements-required"),
  "orders.not_pending": (t) => t("refusal-orders-not-pending"),
  "orders.not_found": (t) => t("refusal-orders-not-found"),
  "signals.already_decided": (t) => t("refusal-signals-already-decided"),
  "signals.expired": (t) => t("refusal-signals-expired"),
  "signals.not_found": (t) => t("refusal-signals-not-found"),
  "devices.not_found": (t) => t("refusal-devices-not-found"),
  "devices.limit_reached": (t) => t("refusal-devices-limit-reached"),
  "devices.name_taken": (t) => t("refusal-devices-name-taken"),
  "payments.provider_unavailable": (t) => t("refusal-payments-provider-unavailable"),
  "affiliates.not_registered": (t) => t("refusal-affiliates-not-registered"),
  "affiliates.payout_held": (t) => t("refusal-affiliates-payout-held"),
  "affiliates.payout_not_held": (t) => t("refusal-affiliates-payout-not-held"),
  "subscriptions.not_found": (t) => t("refusal-subscriptions-not-found"),
  "subscriptions.ended": (t) => t("refusal-subscriptions-ended"),
  "subscriptions.no_billing_account": (t) => t("refusal-subscriptions-no-billing-account"),
  "subscriptions.stars_monthly_only": (t) => t("refusal-subscriptions-stars-monthly-only"),
};

/** What to tell a person when a service refused their request (the API's words where no phrase fits). */
export function refusalText(err: AppError, t: Translate): string {
  return PHRASES[err.code]?.(t) ?? err.detail ?? err.title;
}

/**
 * A refusal (any deliberate AppError: 4xx, or 503 for a provider switched off) is a normal
 * outcome of an update; anything else is a failure to record.
 */
export function isRefusal(err: unknown): err is AppError {
  return err instanceof AppError && err.status !== 500;
}

export const TelegramErrors = {
  ...defineErrors({
    secretInvalid: {
      code: "telegram.secret_invalid",
      status: 401,
      title: "The Telegram secret token is missing or wrong",
    },
    botOff: {
      code: "telegram.bot_off",
      status: 503,
      title: "The Telegram bot is not running in webhook mode",
    },
  }),
  notAnUpdate: retitled(CommonErrors.invalid, "The body is not a Telegram update"),
};
