import { defineErrors } from "../../shared/errors";

export const UserErrors = defineErrors({
  notFound: { code: "users.not_found", status: 404, title: "User not found" },
  featureRequired: {
    code: "entitlements.required",
    status: 403,
    title: "Your plan does not include this feature",
  },
});
