import type { Events } from "../../shared/events";
import type { AffiliatesService } from "./affiliates.service";

/**
 * The affiliate program's reactions, all inside the announcing transaction: an attribution, a
 * commission or its reversal is never missing from a committed signup, payment or refund, and a
 * failure here rolls that change back.
 */
export function registerAffiliateReactions(
  events: Events,
  affiliates: Pick<
    AffiliatesService,
    "attributeSignup" | "recordCommission" | "reverseForRefund" | "checkSharedAccount"
  >,
): void {
  events.inTransaction("users.created", ({ user }, { tx }) => affiliates.attributeSignup(user, tx));
  events.inTransaction("orders.paid", ({ order }, { tx }) => affiliates.recordCommission(tx, order));
  events.inTransaction("orders.refunded", ({ order }, { tx }) => affiliates.reverseForRefund(tx, order));
  // A flag for review commits with the hello that revealed the shared MT5 account.
  events.inTransaction("devices.hello", async (hello, { tx }) => {
    await affiliates.checkSharedAccount(tx, hello);
  });
}
