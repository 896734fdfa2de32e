import { defineErrors } from "../../shared/errors";

export const SubscriptionErrors = defineErrors({
  notFound: { code: "subscriptions.not_found", status: 404, title: "Subscription not found" },
  ended: { code: "subscriptions.ended", status: 409, title: "This subscription has ended" },
  noBillingAccount: {
    code: "subscriptions.no_billing_account",
    status: 409,
    title: "There is no card subscription to manage for this account",
  },
  starsMonthlyOnly: {
    code: "subscriptions.stars_monthly_only",
    status: 409,
    title: "Telegram Stars renew only monthly plans: pay this plan once with Stars, or renew it by card",
  },
});
