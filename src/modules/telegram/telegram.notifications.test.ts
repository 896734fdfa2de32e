import { describe, expect, it } from "vitest";
import { admin, person } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { outbox } from "../../shared/outbox/outbox.table";

describe("notifications", () => {
  const t = useTelegramApp();

  async function subscriber(level: "premium" | "vip" = "premium", days = 30) {
    const p = person();
    const user = await t.userOf(p);
    const tier = (await t.tiers())[level];
    await t.ctx().deps.entitlements.adminGrant({ id: user.id }, user.id, tier.id, days);
    return { p, user, tier };
  }

  async function deliver() {
    await t.telegram().flushNotifications();
    await t.telegram().sender.drain();
  }

  const textsTo = (chatId: number) => t.callsTo(chatId, "sendMessage").map((c) => String(c.params.text));

  describe("happy path", () => {
    it("payment received: the buyer is told once, from the order's outbox row", async () => {
      const p = person();
      const user = await t.userOf(p);
      const { premium } = await t.tiers();
      const order = await t
        .ctx()
        .deps.orders.create({ id: user.id, region: null }, { tierId: premium.id, months: 3 });
      await t.ctx().deps.orders.markPaidManually({ id: user.id }, order.id, "cash");
      await deliver();
      await deliver();
      const texts = textsTo(p.id);
      expect(texts).toHaveLength(1);
      expect(texts[0]).toContain("Payment received");
      expect(texts[0]).toContain(`Order ${order.id}: Premium, 3 months. Total: £82.65`);
      const rows = await t.ctx().deps.db.select().from(outbox);
      expect(rows.every((r) => r.sentAt !== null)).toBe(true);
    });

    it("a fill and an error of the subscriber's device are reported", async () => {
      const { p, user } = await subscriber();
      const { device } = await t.ctx().deps.devices.register(user.id, "VPS");
      const root = await t.userOf(admin());
      const publish = (instrument: string) =>
        t.ctx().deps.signals.publish(
          { kind: "admin", userId: root.id },
          {
            externalId: null,
            instrument,
            side: "buy",
            orderType: "market",
            entryPrice: null,
            stopLoss: null,
            takeProfit: null,
            volume: 0.1,
            ttlSeconds: 300,
            minTier: "premium",
            note: null,
          },
        );
      const { signal: one } = await publish("EURUSD");
      const { signal: two } = await publish("GBPUSD");
      await t.ctx().deps.signals.decide(user.id, one.id, "approve");
      await t.ctx().deps.signals.decide(user.id, two.id, "approve");
      const identity = { id: device.id, userId: user.id };
      await t.ctx().deps.executions.fill(identity, {
        signalId: one.id,
        price: 1.0852,
        volume: 0.1,
        brokerTicket: "T-1",
      });
      await t.ctx().deps.executions.fail(identity, { signalId: two.id, code: 10019, message: "No money" });
      await deliver();
      const texts = textsTo(p.id);
      expect(texts).toContainEqual(
        expect.stringContaining("<b>VPS</b> filled EURUSD BUY: 0.1 lots at 1.0852 (ticket T-1)"),
      );
      expect(texts).toContainEqual(
        expect.stringContaining("<b>VPS</b> could not execute GBPUSD BUY: No money (code 10019)"),
      );
    });

    it("a device that went offline with approved signals waiting is reported", async () => {
      const { p, user } = await subscriber();
      t.ctx().deps.events.committed("devices.offline_with_pending", {
        deviceId: "dev_x",
        userId: user.id,
        deviceName: "Home <PC>",
        pending: 2,
      });
      await deliver();
      expect(textsTo(p.id)).toEqual([
        expect.stringContaining("<b>Home &lt;PC&gt;</b> went offline while 2 approved"),
      ]);
    });
  });

  describe("errors", () => {
    it("an event about a user who never used the bot queues nothing", async () => {
      t.ctx().deps.events.committed("devices.offline_with_pending", {
        deviceId: "dev_x",
        userId: "usr_unknown",
        deviceName: "Ghost",
        pending: 1,
      });
      await deliver();
      expect(t.api.callsOf("sendMessage")).toHaveLength(0);
    });
  });
});
