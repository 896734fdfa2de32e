import type { DeliveryIndex } from "../../src/modules/delivery/delivery.index";
import { settingsOf } from "../../src/modules/devices/devices.settings";
import type { SignalRow } from "../../src/modules/signals/signals.table";

/** The instant the delivery index tests' signals are published at. */
export const T0 = Date.parse("2026-11-21T10:00:00Z");
/** A device's settings before any change (version 1). */
export const DEFAULT_SETTINGS = settingsOf(null, 1);

/** An open market signal for Premium and up, published at T0, expiring `expiresInMs` later. */
export function signalRow(id: string, expiresInMs = 300_000, overrides: Partial<SignalRow> = {}): SignalRow {
  return {
    id,
    publisherScope: "admin",
    externalId: null,
    requestHash: "h",
    publishedByKind: "admin",
    publishedBy: "usr_admin",
    instrument: "EURUSD",
    side: "buy",
    orderType: "market",
    entryPrice: null,
    stopLoss: null,
    takeProfit: null,
    volume: null,
    minTier: "premium",
    note: null,
    recipientCount: 1,
    createdAt: new Date(T0),
    expiresAt: new Date(T0 + expiresInMs),
    cancelledAt: null,
    cancelledBy: null,
    positionStatus: "open",
    closedAt: null,
    initialStopLoss: null,
    initialTakeProfit: null,
    lastUpdateSeq: 0,
    ...overrides,
  };
}

/** usr_1 owns dev_a and dev_b, usr_2 owns dev_c, all with default settings. */
export function putThreeDevices(index: DeliveryIndex): DeliveryIndex {
  index.putDevice({ id: "dev_a", userId: "usr_1", keyVersion: 1, secret: "s-a", settings: DEFAULT_SETTINGS });
  index.putDevice({ id: "dev_b", userId: "usr_1", keyVersion: 1, secret: "s-b", settings: DEFAULT_SETTINGS });
  index.putDevice({ id: "dev_c", userId: "usr_2", keyVersion: 1, secret: "s-c", settings: DEFAULT_SETTINGS });
  return index;
}
