import { describe, expect, it } from "vitest";
import { admin, affiliateWithSales, type Person, person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { orders } from "../orders/orders.table";

const DAY_MS = 86_400_000;

/** Double taps, settled buttons and confirmations: a second press changes nothing. */
describe("buttons pressed twice, and buttons that are settled", () => {
  const t = useTelegramApp();
  const ordersOf = async (userId: string) =>
    (await t.ctx().deps.db.select().from(orders)).filter((o) => o.userId === userId);

  it("the pay-once / renew question answered twice (or both ways) places one order", async () => {
    const ada = person();
    const { premium } = await t.tiers();
    const user = await t.userOf(ada);
    // Months pressed twice only ask again, in place.
    await t.send(updates.callback(ada, `shop:m:${premium.id}:3`, 501));
    await t.send(updates.callback(ada, `shop:m:${premium.id}:3`, 501));
    expect(await ordersOf(user.id)).toHaveLength(0);
    await t.send(updates.callback(ada, `shop:o:${premium.id}:3:once`, 501));
    await t.send(updates.callback(ada, `shop:o:${premium.id}:3:once`, 501));
    await t.send(updates.callback(ada, `shop:o:${premium.id}:3:auto`, 501));
    expect(await ordersOf(user.id)).toHaveLength(1);
    expect(
      t.callsTo(ada.id, "sendMessage").filter((c) => String(c.params.text).includes("Order ")),
    ).toHaveLength(1);
    expect(t.callbackAnswers().slice(-2)).toEqual([
      "Your order is already placed: see the message below.",
      "Your order is already placed: see the message below.",
    ]);
    // The question is settled once the order exists.
    expect(t.callsTo(ada.id, "editMessageReplyMarkup")).toEqual([
      expect.objectContaining({ params: expect.objectContaining({ message_id: 501 }) }),
    ]);
    // A new question (the buyer went back to /shop) is a new choice.
    t.ctx().clock.advance(5_000);
    await t.send(updates.callback(ada, `shop:o:${premium.id}:1:once`, 502));
    expect(await ordersOf(user.id)).toHaveLength(2);
  });

  it("without card payments, only a monthly plan is offered to renew automatically (Telegram Stars renew monthly)", async () => {
    const ada = person();
    const { premium } = await t.tiers();
    await t.send(updates.callback(ada, `shop:m:${premium.id}:3`, 503));
    expect(t.lastButtons(ada.id).map((b) => b.text)).toEqual(["Pay once", "« Other lengths"]);
    expect(t.lastText(ada.id)).toContain(
      "Telegram Stars renew monthly plans only, so this length is paid once.",
    );
    t.ctx().clock.advance(5_000);
    await t.send(updates.callback(ada, `shop:m:${premium.id}:1`, 504));
    expect(t.lastButtons(ada.id).map((b) => b.text)).toEqual([
      "Pay once",
      "🔁 Renew automatically",
      "« Other lengths",
    ]);
  });

  it('"Become an affiliate" pressed twice makes one affiliate and one card, in place of the pitch', async () => {
    const ada = person();
    await t.send(updates.message(ada, "/affiliate"));
    await t.send(updates.callback(ada, "aff:join", 601));
    await t.send(updates.callback(ada, "aff:join", 601));
    const cards = t.api.calls.filter(
      (c) => Number(c.params.chat_id) === ada.id && String(c.params.text ?? "").includes("<b>Affiliate "),
    );
    expect(cards).toHaveLength(1);
    expect(cards[0]!.method).toBe("editMessageText");
    expect(cards[0]!.params.message_id).toBe(601);
    expect(t.callbackAnswers()).toEqual([
      "Welcome aboard!",
      "You are already an affiliate: your card is above.",
    ]);
  });

  describe("payouts", () => {
    async function requestedPayout(): Promise<Person> {
      const seller = await affiliateWithSales(t.ctx().deps, 3);
      t.ctx().clock.advance(31 * DAY_MS);
      const p = { id: seller.user.telegramId, first_name: "Seller" };
      await t.send(updates.callback(p, "aff:payout"));
      return p;
    }

    /**
     * /payouts as an admin, the first payout approved in its message: an affiliate's first
     * payout is held for review (issue 17), so its message offers Approve before Complete.
     */
    async function approvedInMessage(root: Person, messageId: number) {
      await t.send(updates.message(root, "/payouts"));
      const [approve, reject] = t.lastButtons(root.id);
      expect(approve!.callback_data).toMatch(/^po:ap:/);
      await t.send(updates.callback(root, approve!.callback_data!, messageId));
      // A few seconds pass before the next tap: the bot takes 5 updates a person at once (flood rule).
      t.ctx().clock.advance(3_000);
      return {
        complete: approve!.callback_data!.replace("po:ap:", "po:ok:"),
        reject: reject!.callback_data!,
      };
    }
    /** The reply markups the bot set on one message, in order; `undefined` is "no buttons". */
    const markupsOf = (root: Person, messageId: number) =>
      t
        .callsTo(root.id, "editMessageReplyMarkup")
        .filter((c) => c.params.message_id === messageId)
        .map((c) => c.params.reply_markup);

    it("completing a payout removes its buttons; Reject on the paid payout asks for no reason", async () => {
      await requestedPayout();
      const root = admin();
      const { complete, reject } = await approvedInMessage(root, 701);
      expect(markupsOf(root, 701)).toHaveLength(1);
      await t.send(updates.callback(root, complete, 701));
      await t.send(updates.message(root, "BANK-1"));
      expect(t.lastText(root.id)).toContain("completed");
      // Approve swapped the buttons, completing removed them.
      expect(markupsOf(root, 701)).toEqual([expect.anything(), undefined]);

      await t.send(updates.callback(root, reject, 701));
      expect(t.callbackAnswers().at(-1)).toBe("This payout is already paid: nothing to decide.");
      expect(t.lastText(root.id)).toContain("completed");
      // No question is open: a text now is just text.
      await t.send(updates.message(root, "typo"));
      expect(t.lastText(root.id)).toContain("I did not understand that");
    });

    it("rejecting removes the buttons; Complete on the rejected payout is refused at once", async () => {
      await requestedPayout();
      const root = admin();
      const { complete, reject } = await approvedInMessage(root, 702);
      await t.send(updates.callback(root, reject, 702));
      await t.send(updates.message(root, "Bank details missing"));
      expect(markupsOf(root, 702)).toEqual([expect.anything(), undefined]);
      await t.send(updates.callback(root, complete, 702));
      expect(t.callbackAnswers().at(-1)).toBe("This payout is already rejected: nothing to decide.");
    });
  });
});
