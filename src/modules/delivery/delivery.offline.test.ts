import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createDeviceOwner, createUser } from "../../../test/support/factories";
import { signedInject } from "../../../test/support/signed";

describe("devices that go offline with signals waiting", () => {
  const ctx = useTestApp();

  it("tell their owner once per offline spell, and only while something is un-ACKed", async () => {
    const { app, clock, deps } = ctx();
    const notices: unknown[] = [];
    deps.events.afterCommit("devices.offline_with_pending", (e) => {
      notices.push(e);
    });
    const owner = await createDeviceOwner(deps, "vip", { autoApprove: true, deviceName: "vps-1" });
    const poll = () => signedInject(app, clock, owner.signer, { method: "GET", url: "/api/v1/device/poll" });
    await poll();
    await deps.devices.flushLastSeen();
    clock.advance(301_000);
    expect(await deps.delivery.sweepOffline()).toBe(0);

    const { headers } = await createUser(deps, { admin: true });
    await app.inject({
      method: "POST",
      url: "/api/v1/signals",
      headers,
      payload: { instrument: "EURUSD", side: "buy", orderType: "market", ttlSeconds: 3600 },
    });
    expect(await deps.delivery.sweepOffline()).toBe(1);
    await new Promise((r) => setTimeout(r, 10));
    expect(notices).toEqual([
      { deviceId: owner.device.id, userId: owner.user.id, deviceName: "vps-1", pending: 1 },
    ]);
    expect(await deps.delivery.sweepOffline()).toBe(0);

    await poll();
    await deps.devices.flushLastSeen();
    expect(await deps.delivery.sweepOffline()).toBe(0);
    clock.advance(301_000);
    expect(await deps.delivery.sweepOffline()).toBe(1);
  });
});
