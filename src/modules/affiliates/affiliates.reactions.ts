import type { Events } from "../../shared/events";
import { affiliateNews } from "./affiliates.news";
import type { AffiliatesService } from "./affiliates.service";

/**
 * The affiliate program's reactions, all inside the announcing transaction: an attribution, a
 * commission or its reversal is never missing from a committed signup, payment or refund, and a
 * failure here rolls that change back. What they change is announced in the same unit of work
 * (`affiliates.referred`, `affiliates.commission_earned`, and `affiliates.payout_decided` for a
 * payout request a refund made too large), so the bot tells the affiliate once it has committed.
 */
export function registerAffiliateReactions(
  events: Events,
  affiliates: Pick<
    AffiliatesService,
    "attributeSignup" | "recordCommission" | "reverseForRefund" | "checkSharedAccount" | "checkSharedCard"
  >,
): void {
  events.inTransaction("users.created", async ({ user }, uow) => {
    // Without a code nobody referred them: no statement for the bot's bursts of first contacts.
    if (!user.referralCode) return;
    await affiliates.attributeSignup(user, uow.tx);
    const referred = await affiliateNews(uow.tx).referralOf(user.id);
    if (referred) await uow.emit("affiliates.referred", referred);
  });
  events.inTransaction("orders.paid", async ({ order }, uow) => {
    await affiliates.recordCommission(uow.tx, order);
    const earned = await affiliateNews(uow.tx).commissionFor(order.id);
    if (earned) await uow.emit("affiliates.commission_earned", earned);
  });
  events.inTransaction("orders.refunded", async ({ order }, uow) => {
    const news = affiliateNews(uow.tx);
    const requested = await news.requestedPayoutsOfReferrer(order.userId);
    await affiliates.reverseForRefund(uow.tx, order);
    for (const decided of await news.decided(requested)) await uow.emit("affiliates.payout_decided", decided);
  });
  // A flag for review commits with the hello that revealed the shared MT5 account.
  events.inTransaction("devices.hello", async (hello, { tx }) => {
    await affiliates.checkSharedAccount(tx, hello);
  });
  // Likewise with the payment that revealed a card shared between a referral and their referrer.
  events.inTransaction("payments.card_used", async (use, { tx }) => {
    await affiliates.checkSharedCard(tx, use);
  });
}
