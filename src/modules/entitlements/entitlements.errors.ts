import { defineErrors } from "../../shared/errors";

export const EntitlementErrors = defineErrors({
  notFound: { code: "entitlements.not_found", status: 404, title: "Entitlement not found" },
  userNotFound: { code: "users.not_found", status: 404, title: "User not found" },
  tierNotFound: { code: "catalog.tier_not_found", status: 404, title: "Tier not found" },
  required: { code: "entitlements.required", status: 403, title: "Your plan does not include this feature" },
});
