import { AppError, defineErrors } from "../../shared/errors";

/** Codes whose API wording would puzzle a person in a chat get their own sentence. */
const PHRASES: Record<string, string> = {
  "entitlements.required": "Your plan does not include this. See /shop for plans that do.",
  "orders.not_pending": "This order is no longer waiting for payment. See /status.",
  "orders.not_found": "That order does not exist (or is not yours).",
  "signals.already_decided": "You have already decided on this signal.",
  "signals.expired": "This signal has expired.",
  "signals.not_found": "That signal does not exist (or was not sent to you).",
  "devices.not_found": "That device does not exist (or is not yours).",
  "devices.limit_reached": "You have as many devices as your plan allows. Remove one, or upgrade in /shop.",
  "devices.name_taken": "You already have a device with that name. Send another name.",
  "payments.provider_unavailable": "Card payments are not available right now.",
  "affiliates.not_registered": "You are not an affiliate yet. Use /affiliate to join.",
};

/** What to tell a person when a service refused their request. */
export function refusalText(err: AppError): string {
  return PHRASES[err.code] ?? err.detail ?? err.title;
}

/**
 * A refusal (any deliberate AppError: 4xx, or 503 for a provider switched off) is a normal
 * outcome of an update; anything else is a failure to record.
 */
export function isRefusal(err: unknown): err is AppError {
  return err instanceof AppError && err.status !== 500;
}

export const STALE_BUTTON = "This button is no longer valid. Send the command again for fresh ones.";
export const SOMETHING_WENT_WRONG = "Something went wrong on our side. Please try again in a moment.";

export const TelegramErrors = defineErrors({
  secretInvalid: {
    code: "telegram.secret_invalid",
    status: 401,
    title: "The Telegram secret token is missing or wrong",
  },
  botOff: { code: "telegram.bot_off", status: 503, title: "The Telegram bot is not running in webhook mode" },
  notAnUpdate: { code: "request.invalid", status: 400, title: "The body is not a Telegram update" },
});
