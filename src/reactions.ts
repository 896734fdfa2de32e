import type { Deps } from "./deps";
import { registerAffiliateReactions } from "./modules/affiliates/affiliates.reactions";
import { registerChannelReactions } from "./modules/channels/channels.reactions";
import { registerDeliveryReactions } from "./modules/delivery/delivery.reactions";
import { registerPaymentReactions } from "./modules/payments/payments.reactions";
import { registerTelegramReactions } from "./modules/telegram/telegram.reactions";

/**
 * Every module's reactions to other modules' events, registered once by the composition root.
 * In-transaction reactions run in registration order, so this order is part of the rules:
 * affiliate attribution and commission go first.
 */
export function registerReactions(
  deps: Pick<
    Deps,
    | "events"
    | "affiliates"
    | "delivery"
    | "orders"
    | "payments"
    | "telegram"
    | "channels"
    | "users"
    | "logger"
  > & {
    stripe: Parameters<typeof registerPaymentReactions>[1]["stripe"];
  },
): void {
  registerAffiliateReactions(deps.events, deps.affiliates);
  registerDeliveryReactions(deps.events, deps.delivery);
  registerPaymentReactions(deps.events, deps);
  registerChannelReactions(deps.events, deps.channels, deps.users);
  if (deps.telegram) registerTelegramReactions(deps.events, deps.telegram);
}
