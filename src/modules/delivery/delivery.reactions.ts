import type { Events } from "../../shared/events";
import type { DeliveryService } from "./delivery.service";

/**
 * What the delivery index learns from other modules' commits. Each reaction updates this
 * instance's index at once (the next poll here sees it) and tells the other instances.
 */
export function registerDeliveryReactions(events: Events, delivery: DeliveryService): void {
  events.afterCommit("signals.published", ({ signal, approvals }) =>
    delivery.signalOpened(signal, approvals),
  );
  events.afterCommit("signals.decided", ({ signal, userId, decision, decidedAt }) => {
    if (decision === "approved") delivery.signalApproved(signal, { userId, decidedAt });
  });
  events.afterCommit("signals.cancelled", ({ signalId }) => delivery.signalClosed(signalId));
  events.afterCommit("signals.updated", ({ signal, update }) => delivery.positionUpdated(signal, update));
  events.afterCommit("devices.changed", (change) => delivery.deviceChanged(change));
  events.afterCommit("devices.settings_changed", ({ deviceId, settings }) =>
    delivery.settingsChanged(deviceId, settings),
  );
  events.afterCommit("entitlements.changed", ({ userId }) => delivery.accessChanged(userId));
  events.afterCommit("users.disabled_changed", ({ userId }) => delivery.ownerChanged(userId));
}
