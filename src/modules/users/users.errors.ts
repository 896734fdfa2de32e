import { defineErrors } from "../../shared/errors";

export const UserErrors = defineErrors({
  notFound: { code: "users.not_found", status: 404, title: "User not found" },
  disabled: { code: "users.disabled", status: 403, title: "This account is disabled" },
  cannotDisableSelf: {
    code: "users.cannot_disable_self",
    status: 409,
    title: "An admin cannot disable their own account",
  },
  featureRequired: {
    code: "entitlements.required",
    status: 403,
    title: "Your plan does not include this feature",
  },
});
