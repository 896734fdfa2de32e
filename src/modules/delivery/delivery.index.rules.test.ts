import { describe, expect, it } from "vitest";
import {
  DEFAULT_SETTINGS as DEFAULTS,
  putThreeDevices,
  signalRow as signal,
  T0,
} from "../../../test/support/delivery";
import { settingsOf } from "../devices/devices.settings";
import { DeliveryIndex, toPollItem } from "./delivery.index";

// Rules the delivery index must keep while several signals are open at once: closing, expiring
// or re-opening one signal never disturbs the others (pinned by mutation testing, issue 20).

/** usr_1 owns dev_a and dev_b, usr_2 owns dev_c; sig_1 and sig_2 are open and both approved by both. */
function twoOpenSignals(expiries: [number, number] = [300_000, 300_000]) {
  const index = putThreeDevices(new DeliveryIndex());
  index.openSignal(signal("sig_1", expiries[0]));
  index.openSignal(signal("sig_2", expiries[1]));
  for (const user of ["usr_1", "usr_2"]) {
    index.approve("sig_1", user, T0);
    index.approve("sig_2", user, T0 + 1);
  }
  return index;
}

const pending = (index: DeliveryIndex, deviceId: string, at = T0) =>
  index.pendingFor(deviceId, at).map((s) => s.signalId);

describe("two open signals, one closed", () => {
  it("closing one signal keeps the other for every approving user and device", () => {
    const index = twoOpenSignals();
    index.closeSignal("sig_1");
    expect(index.hasSignal("sig_1")).toBe(false);
    expect(index.hasSignal("sig_2")).toBe(true);
    for (const device of ["dev_a", "dev_b", "dev_c"]) expect(pending(index, device)).toEqual(["sig_2"]);
    expect(index.approvedAt("sig_2", "usr_1")).toBe(T0 + 1);
    expect(index.stats().signals).toBe(1);
  });

  it("closing one signal keeps the devices' ACKs of the other", () => {
    const index = twoOpenSignals();
    index.ack("dev_a", "sig_1");
    index.ack("dev_a", "sig_2");
    index.closeSignal("sig_1");
    expect([...index.device("dev_a")!.acked]).toEqual(["sig_2"]);
    expect(pending(index, "dev_a")).toEqual([]);
    expect(pending(index, "dev_b")).toEqual(["sig_2"]);
  });

  it("closing a signal only one user approved leaves the other user's approvals alone", () => {
    const index = twoOpenSignals();
    index.openSignal(signal("sig_3"));
    index.approve("sig_3", "usr_2", T0);
    index.closeSignal("sig_3");
    expect(pending(index, "dev_c")).toEqual(["sig_1", "sig_2"]);
    expect(pending(index, "dev_a")).toEqual(["sig_1", "sig_2"]);
  });

  it("closing an unknown or already closed signal is harmless", () => {
    const index = twoOpenSignals();
    index.closeSignal("sig_1");
    expect(() => index.closeSignal("sig_1")).not.toThrow();
    expect(() => index.closeSignal("sig_unknown")).not.toThrow();
    expect(pending(index, "dev_a")).toEqual(["sig_2"]);
    expect(index.stats()).toEqual({ signals: 1, devices: 3, users: 2 });
  });

  it("closing a signal approved by a user the index has no devices for still closes it", () => {
    const index = new DeliveryIndex();
    index.openSignal(signal("sig_1"));
    index.approve("sig_1", "usr_without_devices", T0);
    index.closeSignal("sig_1");
    expect(index.hasSignal("sig_1")).toBe(false);
    expect(index.approvedAt("sig_1", "usr_without_devices")).toBeUndefined();
  });
});

describe("the expiry sweep", () => {
  it("closes only the signals whose expiry has come, and counts them", () => {
    const index = twoOpenSignals([1_000, 300_000]);
    expect(index.closeExpired(T0 + 999)).toBe(0);
    expect(index.stats().signals).toBe(2);
    expect(index.closeExpired(T0 + 1_000)).toBe(1);
    expect(index.hasSignal("sig_1")).toBe(false);
    expect(index.hasSignal("sig_2")).toBe(true);
    expect(pending(index, "dev_a", T0 + 1_000)).toEqual(["sig_2"]);
    expect(index.closeExpired(T0 + 300_000)).toBe(1);
    expect(index.stats().signals).toBe(0);
  });

  it("a poll never hands out a signal at or after its expiry, even before the sweep ran", () => {
    const index = twoOpenSignals([1_000, 300_000]);
    expect(pending(index, "dev_a", T0 + 999)).toEqual(["sig_1", "sig_2"]);
    expect(pending(index, "dev_a", T0 + 1_000)).toEqual(["sig_2"]);
  });
});

describe("opening and approving", () => {
  it("opening a signal again (a replayed event or another instance's bus message) keeps its approvals", () => {
    const index = twoOpenSignals();
    index.openSignal(signal("sig_1", 999_999));
    expect(index.approvedAt("sig_1", "usr_1")).toBe(T0);
    expect(pending(index, "dev_a")).toEqual(["sig_1", "sig_2"]);
    // Still the first version's expiry: the repeat changed nothing.
    expect(index.pendingFor("dev_a", T0)[0]!.expiresAt).toBe(new Date(T0 + 300_000).toISOString());
    expect(index.stats().signals).toBe(2);
  });

  it("an approval answers with every device of the approving user, and only theirs", () => {
    const index = twoOpenSignals();
    index.openSignal(signal("sig_3"));
    expect(index.approve("sig_3", "usr_2", T0)).toEqual(["dev_c"]);
    expect(index.approve("sig_3", "usr_1", T0).sort()).toEqual(["dev_a", "dev_b"]);
  });

  it("an approval of a user with no device yet is remembered for the device they add", () => {
    const index = new DeliveryIndex();
    index.openSignal(signal("sig_1"));
    expect(index.approve("sig_1", "usr_9", T0)).toEqual([]);
    index.putDevice({ id: "dev_z", userId: "usr_9", keyVersion: 1, secret: "s", settings: DEFAULTS });
    expect(pending(index, "dev_z")).toEqual(["sig_1"]);
  });

  it("a later approval of an older signal is handed out first", () => {
    const index = new DeliveryIndex();
    index.putDevice({ id: "dev_a", userId: "usr_1", keyVersion: 1, secret: "s", settings: DEFAULTS });
    for (const id of ["sig_1", "sig_2"]) index.openSignal(signal(id));
    index.approve("sig_2", "usr_1", T0);
    index.approve("sig_1", "usr_1", T0);
    expect(pending(index, "dev_a")).toEqual(["sig_1", "sig_2"]);
  });

  it("a signal opened again after it closed (a late bus message) needs a new approval", () => {
    const index = twoOpenSignals();
    index.ack("dev_b", "sig_1");
    index.closeSignal("sig_1");
    index.openSignal(signal("sig_1"));
    expect(pending(index, "dev_a")).toEqual(["sig_2"]);
    expect(index.approvedAt("sig_1", "usr_1")).toBeUndefined();
    expect(index.approve("sig_1", "usr_1", T0 + 5).sort()).toEqual(["dev_a", "dev_b"]);
    expect(pending(index, "dev_a")).toEqual(["sig_1", "sig_2"]);
    // The ACK of the closed signal went with it.
    expect(pending(index, "dev_b")).toEqual(["sig_1", "sig_2"]);
  });

  it("approvals arriving in order stay in order", () => {
    const index = new DeliveryIndex();
    index.putDevice({ id: "dev_a", userId: "usr_1", keyVersion: 1, secret: "s", settings: DEFAULTS });
    for (const id of ["sig_1", "sig_2", "sig_3"]) index.openSignal(signal(id));
    for (const id of ["sig_1", "sig_2", "sig_3"]) index.approve(id, "usr_1", T0);
    expect(pending(index, "dev_a")).toEqual(["sig_1", "sig_2", "sig_3"]);
  });

  it("a poll hands the signal exactly as published", () => {
    const index = new DeliveryIndex();
    index.putDevice({ id: "dev_a", userId: "usr_1", keyVersion: 1, secret: "s", settings: DEFAULTS });
    const row = signal("sig_1", 60_000, {
      instrument: "XAUUSD",
      side: "sell",
      orderType: "limit",
      entryPrice: 2350.5,
      stopLoss: 2360,
      takeProfit: 2300,
      volume: 0.2,
    });
    index.openSignal(row);
    index.approve("sig_1", "usr_1", T0);
    expect(index.pendingFor("dev_a", T0)).toEqual([
      {
        signalId: "sig_1",
        instrument: "XAUUSD",
        side: "sell",
        orderType: "limit",
        entryPrice: 2350.5,
        stopLoss: 2360,
        takeProfit: 2300,
        volume: 0.2,
        expiresAt: new Date(T0 + 60_000).toISOString(),
      },
    ]);
    expect(toPollItem(row)).toEqual(index.pendingFor("dev_a", T0)[0]);
  });
});

describe("ACKs and devices", () => {
  it("an ACK of a signal the index does not hold is not remembered", () => {
    const index = twoOpenSignals();
    index.ack("dev_a", "sig_unknown");
    expect(index.device("dev_a")!.acked.size).toBe(0);
    expect(() => index.ack("dev_unknown", "sig_1")).not.toThrow();
  });

  it("an ACK is the device's own: the owner's other devices still receive the signal", () => {
    const index = twoOpenSignals();
    index.ack("dev_a", "sig_1");
    expect(pending(index, "dev_a")).toEqual(["sig_2"]);
    expect(pending(index, "dev_b")).toEqual(["sig_1", "sig_2"]);
  });

  it("removing a device answers with its owner, and an unknown device with nothing", () => {
    const index = twoOpenSignals();
    expect(index.removeDevice("dev_c")).toBe("usr_2");
    expect(index.removeDevice("dev_c")).toBeUndefined();
    expect(pending(index, "dev_c")).toEqual([]);
    expect(index.devicesOf("usr_2")).toEqual([]);
    expect(index.devicesOf("usr_unknown")).toEqual([]);
  });

  it("lists only the users who still have a device", () => {
    const index = twoOpenSignals();
    expect(index.usersWithDevices().sort()).toEqual(["usr_1", "usr_2"]);
    index.removeDevice("dev_c");
    expect(index.usersWithDevices()).toEqual(["usr_1"]);
  });

  it("a device unknown to the index, or whose owner approved nothing, gets nothing", () => {
    const index = twoOpenSignals();
    expect(pending(index, "dev_unknown")).toEqual([]);
    index.putDevice({ id: "dev_new", userId: "usr_new", keyVersion: 1, secret: "s", settings: DEFAULTS });
    expect(pending(index, "dev_new")).toEqual([]);
  });

  it("keeps each user's cached access apart and forgets everything on clear", () => {
    const index = twoOpenSignals();
    expect(index.accessOf("usr_1")).toBeUndefined();
    index.setAccess("usr_1", { signals: true, until: T0 + 5 });
    index.setAccess("usr_3", { signals: false, until: T0 + 7 });
    expect(index.accessOf("usr_1")).toEqual({ signals: true, until: T0 + 5 });
    expect(index.accessOf("usr_2")).toBeUndefined();
    expect(index.accessOf("usr_3")).toEqual({ signals: false, until: T0 + 7 });
    index.clear();
    expect(index.stats()).toEqual({ signals: 0, devices: 0, users: 0 });
    expect(index.accessOf("usr_1")).toBeUndefined();
    expect(index.device("dev_a")).toBeUndefined();
  });
});

describe("device settings in the index (served with every poll, API.md §11)", () => {
  const device = (version: number, paused = false) => ({
    id: "dev_1",
    userId: "usr_1",
    keyVersion: 1,
    secret: "s",
    settings: { ...settingsOf(null, version), paused },
  });

  it("a newer version replaces the settings; the same, an older one or an unknown device changes nothing", () => {
    const index = new DeliveryIndex();
    index.putDevice(device(1));
    expect(index.setSettings("dev_1", { ...settingsOf(null, 1), paused: true })).toBe(false);
    expect(index.device("dev_1")!.settings.paused).toBe(false);
    expect(index.setSettings("dev_1", { ...settingsOf(null, 2), paused: true })).toBe(true);
    expect(index.device("dev_1")!.settings).toMatchObject({ version: 2, paused: true });
    expect(index.setSettings("dev_1", settingsOf(null, 1))).toBe(false);
    expect(index.device("dev_1")!.settings).toMatchObject({ version: 2, paused: true });
    expect(index.setSettings("dev_unknown", settingsOf(null, 9))).toBe(false);
    expect(index.device("dev_unknown")).toBeUndefined();
  });

  it("a device reloaded from an older read keeps the newer settings it already had, and its ACKs", () => {
    const index = new DeliveryIndex();
    index.putDevice(device(3, true));
    index.openSignal(signal("sig_1"));
    index.ack("dev_1", "sig_1");
    index.putDevice(device(2, false));
    expect(index.device("dev_1")!.settings).toMatchObject({ version: 3, paused: true });
    expect(index.device("dev_1")!.acked.has("sig_1")).toBe(true);
    index.putDevice(device(4, false));
    expect(index.device("dev_1")!.settings).toMatchObject({ version: 4, paused: false });
  });
});
