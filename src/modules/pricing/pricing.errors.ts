import { defineErrors } from "../../shared/errors";

export const PricingErrors = defineErrors({
  invalidMonths: { code: "pricing.invalid_months", status: 400, title: "months must be 1, 3, 6 or 12" },
  unknownRegion: { code: "pricing.unknown_region", status: 400, title: "Unknown region" },
});
