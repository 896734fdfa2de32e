import { describe, expect, it } from "vitest";
import { createEvents } from "./events";

const offline = { deviceId: "dev_1", userId: "usr_1", deviceName: "vps", pending: 1 };

describe("domain events", () => {
  it("start after-commit reactions in order and report a failing one without throwing", async () => {
    const errors: string[] = [];
    const events = createEvents((_err, event) => errors.push(event));
    const seen: string[] = [];
    events.afterCommit("devices.offline_with_pending", ({ deviceId }) => {
      seen.push(deviceId);
    });
    events.afterCommit("devices.offline_with_pending", () => {
      throw new Error("reaction broke");
    });
    events.afterCommit("devices.offline_with_pending", async () => {
      throw new Error("async reaction broke");
    });
    events.committed("devices.offline_with_pending", offline);
    expect(seen).toEqual(["dev_1"]);
    await events.settled();
    expect(errors).toEqual(["devices.offline_with_pending", "devices.offline_with_pending"]);
  });

  it("settles only once every running reaction, and those they start, has finished", async () => {
    const events = createEvents();
    const done: string[] = [];
    events.afterCommit("devices.offline_with_pending", async ({ userId }) => {
      await new Promise((r) => setTimeout(r, 30));
      events.committed("entitlements.changed", { userId });
      done.push("offline");
    });
    events.afterCommit("entitlements.changed", async () => {
      await new Promise((r) => setTimeout(r, 30));
      done.push("changed");
    });
    events.committed("devices.offline_with_pending", offline);
    await events.settled();
    expect(done).toEqual(["offline", "changed"]);
  });

  it("refuses to announce outside a transaction an event that has in-transaction reactions", () => {
    const events = createEvents();
    events.inTransaction("entitlements.changed", async () => {});
    expect(() => events.committed("entitlements.changed", { userId: "usr_1" })).toThrow(
      /in-transaction reactions/,
    );
  });
});
