import { describe, expect, it } from "vitest";
import { BOT_USERNAME } from "../../../test/support/config";
import { admin, affiliateWithSales, type Person, person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { DAY_MS } from "../affiliates/affiliates.models";

describe("/affiliate and admin /payouts in the bot", () => {
  const t = useTelegramApp();

  /** An affiliate whose three referred sales (3 × £25.06) are past the refund window. */
  async function affiliateWithBalance(): Promise<Person> {
    const seller = await affiliateWithSales(t.ctx().deps, 3);
    t.ctx().clock.advance(31 * DAY_MS);
    return { id: seller.user.telegramId, first_name: "Seller" };
  }

  describe("happy path", () => {
    it("a subscriber joins the program and gets their links", async () => {
      const ada = person();
      await t.send(updates.message(ada, "/affiliate"));
      expect(t.lastButtons(ada.id)).toEqual([{ text: "🤝 Become an affiliate", callback_data: "aff:join" }]);
      await t.send(updates.callback(ada, "aff:join"));
      const text = t.lastText(ada.id);
      const code = /Affiliate (\w+)<\/b>/.exec(text)![1]!;
      expect(text).toContain("Bronze, 10 % commission");
      expect(text).toContain(`https://t.me/${BOT_USERNAME}?start=ref_${code}`);
      expect(text).toContain("Referrals: 0");
    });

    it("a person arriving with /start ref_CODE counts as the affiliate's referral", async () => {
      const ada = person();
      await t.send(updates.callback(ada, "aff:join"));
      const code = /Affiliate (\w+)<\/b>/.exec(t.lastText(ada.id))![1]!;
      await t.send(updates.message(person(), `/start ref_${code}`));
      await t.send(updates.message(ada, "/affiliate"));
      expect(t.lastText(ada.id)).toContain("Referrals: 1");
    });

    it("an affiliate requests a payout of the spendable balance; an admin completes it with a reference", async () => {
      const seller = await affiliateWithBalance();
      await t.send(updates.message(seller, "/affiliate"));
      expect(t.lastText(seller.id)).toContain("Available: £75.18");
      expect(t.lastButtons(seller.id)).toEqual([
        { text: "💸 Request payout of £75.18", callback_data: "aff:payout" },
      ]);
      await t.send(updates.callback(seller, "aff:payout"));
      expect(t.lastText(seller.id)).toMatch(
        /^Payout pyo_\w+ of £75.18 requested\. As your first payout, an admin reviews it before paying it/,
      );

      const root = admin();
      await t.send(updates.message(root, "/payouts"));
      // The affiliate's first payout is held for review (issue 17): Approve comes before Complete.
      expect(t.lastText(root.id)).toContain("first payout: approve it before paying");
      const [approve, reject] = t.lastButtons(root.id);
      expect(approve).toEqual({ text: "🔎 Approve", callback_data: expect.stringMatching(/^po:ap:pyo_/) });
      expect(reject!.callback_data).toMatch(/^po:no:pyo_/);
      const payoutId = approve!.callback_data!.slice("po:ap:".length);
      await t.send(updates.callback(root, `po:ok:${payoutId}`));
      expect(t.callbackAnswers().at(-1)).toBe(
        "This is the affiliate's first payout: approve it before completing it.",
      );
      await t.send(updates.callback(root, approve!.callback_data!));
      expect(t.callbackAnswers().at(-1)).toBe(`Payout ${payoutId} approved: it can be completed now.`);
      t.ctx().clock.advance(5_000); // a person may send 5 updates at once (the bot's flood limit)
      await t.send(updates.message(root, "/payouts"));
      const [complete] = t.lastButtons(root.id);
      expect(complete).toEqual({ text: "✅ Complete", callback_data: `po:ok:${payoutId}` });
      await t.send(updates.callback(root, complete!.callback_data!));
      expect(t.lastText(root.id)).toContain("Send the payment reference");
      await t.send(updates.message(root, "BANK-2026-001"));
      expect(t.lastText(root.id)).toContain("completed");
      const user = await t.userOf(seller);
      const view = await t.ctx().deps.affiliates.view(user.id);
      expect(view.stats).toMatchObject({ paidMinor: 7518, requestedMinor: 0 });
    });

    it("once a payout was paid, the next request is not held and the affiliate is told it is settled soon", async () => {
      const { deps, clock } = t.ctx();
      const sales = await affiliateWithSales(deps, 5);
      clock.advance(31 * DAY_MS);
      const first = await deps.affiliates.requestPayout(sales.user.id, 5000);
      await deps.affiliates.admin.approvePayout({ id: "usr_admin" }, first.id);
      await deps.affiliates.admin.completePayout({ id: "usr_admin" }, first.id, "bank-1");
      clock.advance(60_000);
      const seller = { id: sales.user.telegramId, first_name: "Seller" };
      await t.send(updates.callback(seller, "aff:payout"));
      expect(t.lastText(seller.id)).toMatch(
        /^Payout pyo_\w+ of £75.30 requested\. An admin will settle it soon\.$/,
      );
    });

    it("an admin rejects a payout with a reason and the amount is available again", async () => {
      const seller = await affiliateWithBalance();
      await t.send(updates.callback(seller, "aff:payout"));
      const root = admin();
      await t.send(updates.message(root, "/payouts"));
      await t.send(updates.callback(root, t.lastButtons(root.id)[1]!.callback_data!));
      await t.send(updates.message(root, "Bank details missing"));
      expect(t.lastText(root.id)).toContain("rejected");
      const view = await t.ctx().deps.affiliates.view((await t.userOf(seller)).id);
      expect(view.stats).toMatchObject({ availableMinor: 7518, requestedMinor: 0, paidMinor: 0 });
    });
  });

  describe("errors", () => {
    it("below the payout minimum there is no payout button, and the minimum is stated", async () => {
      const seller = await affiliateWithSales(t.ctx().deps, 1);
      t.ctx().clock.advance(31 * DAY_MS);
      const p = { id: seller.user.telegramId, first_name: "Seller" };
      await t.send(updates.message(p, "/affiliate"));
      expect(t.lastButtons(p.id)).toEqual([]);
      expect(t.lastText(p.id)).toContain("from £50.00 available");
    });

    it("a payout button pressed again is refused by the balance rules", async () => {
      const seller = await affiliateWithBalance();
      await t.send(updates.callback(seller, "aff:payout"));
      await t.send(updates.callback(seller, "aff:payout"));
      expect(t.callbackAnswers().at(-1)).toBe("Everything available has already been requested.");
      const view = await t.ctx().deps.affiliates.view((await t.userOf(seller)).id);
      expect(view.stats.requestedMinor).toBe(7518);
    });

    it("/payouts with nothing waiting says so", async () => {
      const root = admin();
      await t.send(updates.message(root, "/payouts"));
      expect(t.lastText(root.id)).toContain("No payouts are waiting");
    });
  });

  describe("security", () => {
    it("a subscriber cannot list payouts or press an admin's payout buttons", async () => {
      const seller = await affiliateWithBalance();
      await t.send(updates.callback(seller, "aff:payout"));
      const root = admin();
      await t.send(updates.message(root, "/payouts"));
      const completeData = t.lastButtons(root.id)[0]!.callback_data!;
      const mallory = person();
      await t.send(updates.message(mallory, "/payouts"));
      expect(t.lastText(mallory.id)).toContain("only for admins");
      await t.send(updates.callback(mallory, completeData));
      expect(t.callbackAnswers().at(-1)).toBe("Only admins can settle payouts.");
      await t.send(updates.message(mallory, "stolen-reference"));
      const view = await t.ctx().deps.affiliates.view((await t.userOf(seller)).id);
      expect(view.stats.paidMinor).toBe(0);
    });
  });
});
