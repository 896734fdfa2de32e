import { defineErrors } from "../../shared/errors";

export const EntitlementErrors = defineErrors({
  notFound: { code: "entitlements.not_found", status: 404, title: "Entitlement not found" },
  trialUsed: {
    code: "entitlements.trial_used",
    status: 409,
    title: "A free trial is once per account, and not after a paid plan",
  },
  trialUnavailable: {
    code: "entitlements.trial_unavailable",
    status: 409,
    title: "This plan has no free trial",
  },
  required: { code: "entitlements.required", status: 403, title: "Your plan does not include this feature" },
});
