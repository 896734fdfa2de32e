import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeStripe } from "../../../test/fakes/stripe";
import { admin, person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { orders } from "../orders/orders.table";

describe("/shop and checkout in the bot", () => {
  const stripe = new FakeStripe();
  beforeAll(() => stripe.start());
  afterAll(() => stripe.stop());
  const t = useTelegramApp({}, () => stripe.env());

  const ordersOf = async (userId: string) =>
    (await t.ctx().deps.db.select().from(orders)).filter((o) => o.userId === userId);

  /** Walks /shop → tier → months → pay once (or renew automatically) and returns the order the bot created. */
  async function order(buyer: ReturnType<typeof person>, months = 3, renewal: "once" | "auto" = "once") {
    const { premium } = await t.tiers();
    await t.send(updates.callback(buyer, `shop:m:${premium.id}:${months}`));
    await t.send(updates.callback(buyer, `shop:o:${premium.id}:${months}:${renewal}`));
    const user = await t.userOf(buyer);
    return (await ordersOf(user.id)).at(-1)!;
  }

  describe("happy path", () => {
    it("/shop lists every tier priced in the buyer's region, with a button each", async () => {
      const { premium, vip, enterprise } = await t.tiers();
      const ada = person();
      await t.send(updates.message(ada, "/shop"));
      const text = t.lastText(ada.id);
      expect(text).toContain("<b>Premium</b> — £29.00/month");
      expect(text).toContain("<b>VIP</b> — £59.00/month");
      expect(text).toContain("region GB");
      expect(t.lastButtons(ada.id).map((b) => b.callback_data)).toEqual([
        `shop:t:${premium.id}`,
        `shop:t:${vip.id}`,
        `shop:t:${enterprise.id}`,
      ]);
    });

    it("/plans is /shop, and prices follow the chosen region", async () => {
      await t.tiers();
      const ada = person();
      await t.send(updates.callback(ada, "region:EU"));
      await t.send(updates.message(ada, "/plans"));
      // 2900 × 1.17 = 3393, + 2 % markup (68) = 3461.
      expect(t.lastText(ada.id)).toContain("<b>Premium</b> — €34.61/month");
    });

    it("a tier offers 1, 3, 6 and 12 months with their discounts shown", async () => {
      const { premium } = await t.tiers();
      const ada = person();
      await t.send(updates.callback(ada, `shop:t:${premium.id}`));
      expect(t.lastButtons(ada.id).map((b) => b.text)).toEqual([
        "1 month — £29.00",
        "3 months — £82.65 (save 5 %)",
        "6 months — £156.60 (save 10 %)",
        "12 months — £278.40 (save 20 %)",
      ]);
    });

    it("choosing months asks pay once or renew automatically (by card for 3 months), in place", async () => {
      const { premium } = await t.tiers();
      const ada = person();
      await t.send(updates.callback(ada, `shop:m:${premium.id}:3`));
      const asked = t.callsTo(ada.id, "editMessageText").at(-1)!;
      expect(String(asked.params.text)).toContain(
        "<b>Premium</b>, 3 months — £82.65. Pay once, or renew automatically?",
      );
      expect(String(asked.params.text)).toContain("every 3 months by card");
      expect(t.buttonsOf(asked).map((b) => b.text)).toEqual([
        "Pay once",
        "🔁 Renew automatically",
        "« Other lengths",
      ]);
      expect(await ordersOf((await t.userOf(ada)).id)).toHaveLength(0);
    });

    it("“Pay once” creates the order and shows its price breakdown with pay buttons", async () => {
      const ada = person();
      const row = await order(ada, 3);
      expect(row).toMatchObject({ status: "pending", months: 3, totalMinor: 8265, currency: "GBP" });
      const text = t.lastText(ada.id);
      expect(text).toContain(`Order ${row.id}`);
      expect(text).toContain("Plan price: £87.00");
      expect(text).toContain("Multi-month discount: −£4.35");
      expect(text).toContain("<b>Total: £82.65</b>");
      expect(t.lastButtons(ada.id).map((b) => b.callback_data)).toEqual([
        `pay:card:${row.id}`,
        `pay:stars:${row.id}`,
        `order:coupon:${row.id}`,
        `order:cancel:${row.id}`,
      ]);
    });

    it("pay by card answers with the Stripe Checkout link of the order", async () => {
      const ada = person();
      const row = await order(ada);
      await t.send(updates.callback(ada, `pay:card:${row.id}`));
      const [button] = t.lastButtons(ada.id);
      expect(button!.url).toMatch(/^https?:\/\//);
      expect((await ordersOf(row.userId))[0]!.checkoutUrl).toBe(button!.url);
    });

    it("“Renew automatically” pays by card through a Stripe Checkout in subscription mode", async () => {
      const ada = person();
      const row = await order(ada, 3, "auto");
      expect(row).toMatchObject({ renewal: "auto", months: 3 });
      await t.send(updates.callback(ada, `pay:card:${row.id}`));
      const [button] = t.lastButtons(ada.id);
      const session = [...stripe.sessions.values()].find((x) => x.client_reference_id === row.id)!;
      expect(session.mode).toBe("subscription");
      expect(button!.url).toBe(session.url);
    });

    it("a coupon keeps the order's auto-renewal", async () => {
      const root = admin();
      await t.send(updates.message(root, "/coupon KEEP10 10%"));
      const ada = person();
      const row = await order(ada, 1, "auto");
      await t.send(updates.callback(ada, `order:coupon:${row.id}`));
      await t.send(updates.message(ada, "keep10"));
      const second = (await ordersOf(row.userId)).find((o) => o.id !== row.id)!;
      expect(second).toMatchObject({ couponCode: "KEEP10", renewal: "auto", months: 1 });
    });

    it("cancel order cancels it", async () => {
      const ada = person();
      const row = await order(ada);
      await t.send(updates.callback(ada, `order:cancel:${row.id}`));
      expect((await ordersOf(row.userId))[0]!.status).toBe("cancelled");
      expect(t.lastText(ada.id)).toContain("cancelled");
    });
  });

  describe("errors", () => {
    it("a paid order's pay button is stale: the buyer is told, nothing is charged", async () => {
      const ada = person();
      const row = await order(ada);
      await t.ctx().deps.orders.markPaidManually({ id: row.userId }, row.id, "bank transfer");
      const before = stripe.calls.length;
      await t.send(updates.callback(ada, `pay:card:${row.id}`));
      expect(t.callbackAnswers().at(-1)).toContain("no longer waiting for payment");
      expect(stripe.calls.length).toBe(before);
    });

    it("a months button outside 1, 3, 6, 12 is refused as stale", async () => {
      const { premium } = await t.tiers();
      const ada = person();
      await t.send(updates.callback(ada, `shop:m:${premium.id}:5`));
      expect(t.callbackAnswers()).toEqual([expect.stringContaining("no longer valid")]);
      expect(await ordersOf((await t.userOf(ada)).id)).toHaveLength(0);
    });

    it("an archived tier's button says the plan is no longer on sale", async () => {
      const { premium } = await t.tiers();
      const ada = person();
      await t.ctx().deps.catalog.archiveTier({ id: "usr_admin" }, premium.id);
      await t.send(updates.callback(ada, `shop:t:${premium.id}`));
      expect(t.callbackAnswers()).toEqual([expect.stringContaining("no longer on sale")]);
    });
  });

  describe("security", () => {
    it("someone else's order cannot be paid or cancelled from their buttons", async () => {
      const ada = person();
      const mallory = person();
      const row = await order(ada);
      await t.send(updates.callback(mallory, `pay:card:${row.id}`));
      await t.send(updates.callback(mallory, `order:cancel:${row.id}`));
      expect(t.callbackAnswers().slice(-2)).toEqual([
        expect.stringContaining("does not exist (or is not yours)"),
        expect.stringContaining("does not exist (or is not yours)"),
      ]);
      expect((await ordersOf(row.userId))[0]!.status).toBe("pending");
      expect(t.callsTo(mallory.id, "sendMessage")).toHaveLength(0);
    });
  });
});
