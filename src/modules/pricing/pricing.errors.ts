import { defineErrors } from "../../shared/errors";

export const PricingErrors = defineErrors({
  invalidMonths: { code: "pricing.invalid_months", status: 400, title: "months must be 1, 3, 6 or 12" },
  couponInvalid: {
    code: "pricing.coupon_invalid",
    status: 409,
    title: "This coupon is unknown, expired, used up or does not apply",
  },
  couponExists: { code: "pricing.coupon_exists", status: 409, title: "A coupon with this code exists" },
  couponNotFound: { code: "pricing.coupon_not_found", status: 404, title: "Coupon not found" },
  unknownRegion: { code: "pricing.unknown_region", status: 400, title: "Unknown region" },
});
