import { defineErrors } from "../../shared/errors";

export const AffiliateErrors = defineErrors({
  alreadyRegistered: {
    code: "affiliates.already_registered",
    status: 409,
    title: "You are already an affiliate",
  },
  notRegistered: { code: "affiliates.not_registered", status: 404, title: "You are not an affiliate" },
  belowMinimum: { code: "affiliates.below_minimum", status: 400, title: "Payout below the minimum" },
  insufficientBalance: {
    code: "affiliates.insufficient_balance",
    status: 409,
    title: "Not enough available commission",
  },
  payoutTooSoon: {
    code: "affiliates.payout_rate_limited",
    status: 429,
    title: "One payout request per 10 seconds",
  },
  payoutNotFound: { code: "affiliates.payout_not_found", status: 404, title: "Payout not found" },
  payoutNotRequested: {
    code: "affiliates.payout_not_requested",
    status: 409,
    title: "The payout was already decided",
  },
  payoutHeld: {
    code: "affiliates.payout_held",
    status: 409,
    title: "The payout is held for review",
  },
  payoutNotHeld: {
    code: "affiliates.payout_not_held",
    status: 409,
    title: "The payout is not waiting for approval",
  },
  flagNotFound: { code: "affiliates.flag_not_found", status: 404, title: "Flag not found" },
  flagNotOpen: { code: "affiliates.flag_not_open", status: 409, title: "The flag was already reviewed" },
});
