import { describe, expect, it } from "vitest";
import {
  DEFAULT_SETTINGS as DEFAULTS,
  putThreeDevices,
  signalRow as signal,
  T0,
} from "../../../test/support/delivery";
import { settingsOf } from "../devices/devices.settings";
import { DeliveryIndex } from "./delivery.index";
import { accessFrom } from "./delivery.models";

function indexWithDevices() {
  return putThreeDevices(new DeliveryIndex());
}

describe("the delivery index", () => {
  it("hands an approved signal to every device of the approving user until each ACKs it", () => {
    const index = indexWithDevices();
    index.openSignal(signal("sig_1"));
    expect(index.approve("sig_1", "usr_1", T0).sort()).toEqual(["dev_a", "dev_b"]);
    expect(index.pendingFor("dev_a", T0).map((s) => s.signalId)).toEqual(["sig_1"]);
    expect(index.pendingFor("dev_c", T0)).toEqual([]);
    index.ack("dev_a", "sig_1");
    expect(index.pendingFor("dev_a", T0)).toEqual([]);
    expect(index.pendingFor("dev_b", T0).map((s) => s.signalId)).toEqual(["sig_1"]);
  });

  it("orders signals oldest first whatever order approvals arrive in", () => {
    const index = indexWithDevices();
    for (const id of ["sig_1", "sig_2", "sig_3"]) index.openSignal(signal(id));
    for (const id of ["sig_3", "sig_1", "sig_2"]) index.approve(id, "usr_1", T0);
    expect(index.pendingFor("dev_a", T0).map((s) => s.signalId)).toEqual(["sig_1", "sig_2", "sig_3"]);
  });

  it("never hands out an expired signal, and forgets it when swept", () => {
    const index = indexWithDevices();
    index.openSignal(signal("sig_1", 1_000));
    index.approve("sig_1", "usr_1", T0);
    expect(index.pendingFor("dev_a", T0 + 1_000)).toEqual([]);
    expect(index.closeExpired(T0 + 1_000)).toBe(1);
    expect(index.stats().signals).toBe(0);
    expect(index.approvedAt("sig_1", "usr_1")).toBeUndefined();
  });

  it("drops a closed signal from every device, ACKed or not", () => {
    const index = indexWithDevices();
    index.openSignal(signal("sig_1"));
    index.approve("sig_1", "usr_1", T0);
    index.ack("dev_a", "sig_1");
    index.closeSignal("sig_1");
    expect(index.pendingFor("dev_b", T0)).toEqual([]);
    expect(index.device("dev_a")!.acked.size).toBe(0);
  });

  it("gives a device registered later the signals its owner approved before", () => {
    const index = indexWithDevices();
    index.openSignal(signal("sig_1"));
    index.approve("sig_1", "usr_2", T0);
    index.putDevice({ id: "dev_d", userId: "usr_2", keyVersion: 1, secret: "s-d", settings: DEFAULTS });
    expect(index.pendingFor("dev_d", T0).map((s) => s.signalId)).toEqual(["sig_1"]);
  });

  it("keeps the newest settings: a reload that read an older row does not undo a change", () => {
    const index = indexWithDevices();
    const v3 = { ...settingsOf(null, 3), paused: true };
    expect(index.setSettings("dev_a", v3)).toBe(true);
    expect(index.setSettings("dev_a", settingsOf(null, 2))).toBe(false);
    expect(index.setSettings("dev_nobody", v3)).toBe(false);
    index.putDevice({
      id: "dev_a",
      userId: "usr_1",
      keyVersion: 2,
      secret: "s-a2",
      settings: settingsOf(null, 2),
    });
    expect(index.device("dev_a")).toMatchObject({ keyVersion: 2, settings: { version: 3, paused: true } });
    index.putDevice({
      id: "dev_a",
      userId: "usr_1",
      keyVersion: 2,
      secret: "s-a2",
      settings: settingsOf(null, 4),
    });
    expect(index.device("dev_a")?.settings).toMatchObject({ version: 4, paused: false });
  });

  it("keeps a device's ACKs across a secret rotation and forgets a removed device", () => {
    const index = indexWithDevices();
    index.openSignal(signal("sig_1"));
    index.approve("sig_1", "usr_1", T0);
    index.ack("dev_a", "sig_1");
    index.putDevice({ id: "dev_a", userId: "usr_1", keyVersion: 2, secret: "s-a2", settings: DEFAULTS });
    expect(index.device("dev_a")).toMatchObject({ keyVersion: 2, secret: "s-a2", settings: DEFAULTS });
    expect(index.pendingFor("dev_a", T0)).toEqual([]);
    index.removeDevice("dev_a");
    expect(index.device("dev_a")).toBeUndefined();
    expect(index.devicesOf("usr_1")).toEqual(["dev_b"]);
  });

  it("ignores approvals of signals it does not know, and repeated approvals", () => {
    const index = indexWithDevices();
    expect(index.approve("sig_unknown", "usr_1", T0)).toEqual([]);
    index.openSignal(signal("sig_1"));
    index.approve("sig_1", "usr_1", T0);
    expect(index.approve("sig_1", "usr_1", T0 + 5)).toEqual([]);
    expect(index.approvedAt("sig_1", "usr_1")).toBe(T0);
  });
});

describe("cached access", () => {
  const tiers = new Map([
    [
      "tier_p",
      {
        level: "premium" as const,
        monthlyPriceMinor: 2900,
        features: { signals: true, maxDevices: 1, autoApprove: false, minSignalTier: "premium" as const },
      },
    ],
  ]);
  const period = (startsAt: number, expiresAt: number, revokedAt: Date | null = null) => ({
    tierId: "tier_p",
    startsAt: new Date(startsAt),
    expiresAt: new Date(expiresAt),
    revokedAt,
  });

  it("holds until the active period ends", () => {
    expect(accessFrom([period(T0 - 1, T0 + 60_000)], tiers, new Date(T0))).toEqual({
      signals: true,
      until: T0 + 60_000,
    });
  });

  it("holds a no until a future period starts", () => {
    expect(accessFrom([period(T0 + 5_000, T0 + 60_000)], tiers, new Date(T0))).toEqual({
      signals: false,
      until: T0 + 5_000,
    });
  });

  it("ignores revoked periods and never outlives the maximum age", () => {
    const at = new Date(T0);
    expect(accessFrom([period(T0 - 1, T0 + 60_000, at)], tiers, at, 10_000)).toEqual({
      signals: false,
      until: T0 + 10_000,
    });
  });
});
