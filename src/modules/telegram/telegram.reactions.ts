import type { Events } from "../../shared/events";
import type { TelegramBot } from "./telegram.module";

/**
 * What the bot tells people, after the change that causes it has committed. Payments reach the
 * buyer through the durable outbox row the settlement writes (`telegram.relay.ts`); these
 * reactions only relay it at once instead of on the relay's next tick.
 */
export function registerTelegramReactions(events: Events, telegram: TelegramBot): void {
  const { notifications } = telegram;
  events.afterCommit("orders.paid", telegram.relayNow);
  events.afterCommit("orders.paid", ({ order }) =>
    notifications.channelsAfterPayment(order.userId, order.id),
  );
  events.afterCommit("channels.bot_status_changed", notifications.channelStatusChanged);
  events.afterCommit("orders.refunded", telegram.relayNow);
  events.afterCommit("signals.published", notifications.signalPublished);
  events.afterCommit("signals.decided", notifications.signalDecided);
  events.afterCommit("signals.cancelled", notifications.signalCancelled);
  events.afterCommit("executions.reported", notifications.executionReported);
  events.afterCommit("devices.offline_with_pending", notifications.deviceOffline);
  events.afterCommit("signals.updated", notifications.signalUpdated);
  events.afterCommit("executions.update_reported", notifications.updateReported);
  events.afterCommit("affiliates.referred", notifications.affiliateReferred);
  events.afterCommit("affiliates.commission_earned", notifications.affiliateCommissionEarned);
  events.afterCommit("affiliates.payout_decided", notifications.affiliatePayoutDecided);
  events.afterCommit("console.broadcast_requested", async ({ id, text }) => {
    await telegram.broadcast(id, text);
  });
}
