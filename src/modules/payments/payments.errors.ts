import { defineErrors } from "../../shared/errors";

export const PaymentErrors = defineErrors({
  providerUnavailable: {
    code: "payments.provider_unavailable",
    status: 503,
    title: "This payment provider is not configured on this server",
  },
  providerFailed: {
    code: "payments.provider_failed",
    status: 502,
    title: "The payment provider did not answer as expected; try again",
  },
  invalidSignature: {
    code: "payments.invalid_signature",
    status: 400,
    title: "The webhook signature is missing, invalid or too old",
  },
});
