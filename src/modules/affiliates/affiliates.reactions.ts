import type { Events } from "../../shared/events";
import type { AffiliatesService } from "./affiliates.service";

/**
 * The affiliate program's reactions, all inside the announcing transaction: an attribution, a
 * commission or its reversal is never missing from a committed signup, payment or refund, and a
 * failure here rolls that change back.
 */
export function registerAffiliateReactions(
  events: Events,
  affiliates: Pick<AffiliatesService, "attributeSignup" | "recordCommission" | "reverseForRefund">,
): void {
  events.inTransaction("users.created", ({ user }, { tx }) => affiliates.attributeSignup(user, tx));
  events.inTransaction("orders.paid", ({ order }, { tx }) => affiliates.recordCommission(tx, order));
  events.inTransaction("orders.refunded", ({ order }, { tx }) => affiliates.reverseForRefund(tx, order));
}
