import { defineErrors } from "../../shared/errors";
import { EntitlementErrors } from "../entitlements/entitlements.errors";

export const UserErrors = {
  ...defineErrors({
    notFound: { code: "users.not_found", status: 404, title: "User not found" },
    disabled: { code: "users.disabled", status: 403, title: "This account is disabled" },
    cannotDisableSelf: {
      code: "users.cannot_disable_self",
      status: 409,
      title: "An admin cannot disable their own account",
    },
  }),
  /** Declared by the entitlements module, which decides what a plan includes. */
  featureRequired: EntitlementErrors.required,
};
