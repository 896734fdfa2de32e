import { describe, expect, it } from "vitest";
import { createEventBus } from "./events";

describe("domain events", () => {
  it("run listeners after the emitter returns and report a failing one without throwing", async () => {
    const errors: string[] = [];
    const bus = createEventBus((_err, event) => errors.push(event));
    const seen: string[] = [];
    bus.on("orders.paid", ({ orderId }) => {
      seen.push(orderId);
    });
    bus.on("orders.paid", () => {
      throw new Error("listener broke");
    });
    bus.emit("orders.paid", { orderId: "ord_1", userId: "usr_1" });
    expect(seen).toEqual([]);
    await bus.settled();
    expect(seen).toEqual(["ord_1"]);
    expect(errors).toEqual(["orders.paid"]);
  });

  it("settles only once every running listener, and those they start, has finished", async () => {
    const bus = createEventBus();
    const done: string[] = [];
    bus.on("orders.paid", async ({ userId }) => {
      await new Promise((r) => setTimeout(r, 30));
      bus.emit("entitlements.changed", { userId });
      done.push("paid");
    });
    bus.on("entitlements.changed", async () => {
      await new Promise((r) => setTimeout(r, 30));
      done.push("changed");
    });
    bus.emit("orders.paid", { orderId: "ord_1", userId: "usr_1" });
    await bus.settled();
    expect(done).toEqual(["paid", "changed"]);
  });
});
