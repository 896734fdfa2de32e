import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  admin,
  affiliateWithSales,
  buy,
  newAffiliate,
  person,
  refund,
  signUpWith,
  TWELVE_MONTH_COMMISSION,
  updates,
} from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { DAY_MS } from "../entitlements/entitlements.models";
import { telegramOutbox } from "./telegram.table";

describe("affiliates are told about referrals, commissions and payouts", () => {
  const t = useTelegramApp();
  const deps = () => t.ctx().deps;

  /** Every reaction finished and its messages queued (read from the outbox: a chat is paced at about one a second). */
  async function settle() {
    await deps().events.settled();
    await t.telegram().flushNotifications();
  }
  const textsTo = async (telegramId: number) =>
    (
      await deps()
        .db.select()
        .from(telegramOutbox)
        .where(eq(telegramOutbox.chatId, telegramId))
        .orderBy(telegramOutbox.seq)
    ).map((row) => String(row.payload.text));
  const newsTo = async (telegramId: number) =>
    (await textsTo(telegramId)).filter((text) => /^(🤝|💰|✅|💸|❌)/u.test(text));

  describe("happy path", () => {
    it("a new referral through the bot's /start link", async () => {
      const affiliate = await newAffiliate(deps());
      const friend = person();
      await t.send(updates.message(friend, `/start ref_${affiliate.code}`));
      await settle();
      expect(await newsTo(affiliate.user.telegramId)).toEqual([
        "🤝 <b>New referral</b>: someone started the bot with your link. You earn a commission on their payments for the next 12 months.",
      ]);
    });

    it("a commission earned, when it becomes available (once), in the affiliate's language", async () => {
      const { user, code } = await newAffiliate(deps());
      await deps().users.ensureFromTelegram({
        telegramId: user.telegramId,
        username: user.username,
        firstName: user.firstName,
        languageCode: "es",
      });
      const buyer = await signUpWith(deps(), code);
      await buy(deps(), buyer.user.id, { months: 12 });
      await settle();
      const earned = (await newsTo(user.telegramId)).filter((x) => x.startsWith("💰"));
      expect(earned).toEqual([
        expect.stringMatching(
          /^💰 <b>Comisión ganada<\/b>: £25\.06 por el pago de un referido\. Estará disponible el .* tras el plazo de reembolso de 30 días\.$/,
        ),
      ]);

      await t.telegram().runAffiliateNews();
      await settle();
      expect((await newsTo(user.telegramId)).filter((x) => x.startsWith("✅"))).toEqual([]);

      t.ctx().clock.advance(30 * DAY_MS + 60_000);
      await t.telegram().runAffiliateNews();
      await t.telegram().runAffiliateNews();
      await settle();
      t.ctx().clock.advance(DAY_MS);
      await t.telegram().runAffiliateNews();
      await settle();
      expect((await newsTo(user.telegramId)).filter((x) => x.startsWith("✅"))).toEqual([
        `✅ Ya tienes £${(TWELVE_MONTH_COMMISSION / 100).toFixed(2)} de comisión disponible. Solicita un pago en /affiliate.`,
      ]);
    });

    it("a payout completed, with its reference; another rejected, with the reason", async () => {
      const { user } = await affiliateWithSales(deps(), 4);
      t.ctx().clock.advance(31 * DAY_MS);
      const root = await t.userOf(admin());
      const first = await deps().affiliates.requestPayout(user.id, 5000);
      await deps().affiliates.admin.approvePayout({ id: root.id }, first.id);
      await deps().affiliates.admin.completePayout({ id: root.id }, first.id, "BANK-<1>");
      t.ctx().clock.advance(60_000);
      const second = await deps().affiliates.requestPayout(user.id, 5000);
      await deps().affiliates.admin.rejectPayout({ id: root.id }, second.id, "details missing");
      await settle();
      expect((await newsTo(user.telegramId)).filter((x) => /^(💸|❌)/u.test(x))).toEqual([
        "💸 <b>Payout completed</b>: £50.00 has been paid to you. Reference: BANK-&lt;1&gt;",
        "❌ <b>Payout request rejected</b> (£50.00): details missing. The amount is available to request again in /affiliate.",
      ]);
    });
  });

  describe("errors", () => {
    it("a refund that leaves a payout request uncovered rejects it, and the affiliate hears why", async () => {
      const { user, sales } = await affiliateWithSales(deps(), 2);
      t.ctx().clock.advance(31 * DAY_MS);
      await deps().affiliates.requestPayout(user.id, 5000);
      await refund(deps(), sales[0]!.id);
      await settle();
      expect((await newsTo(user.telegramId)).filter((x) => x.startsWith("❌"))).toEqual([
        expect.stringContaining(`(£50.00): `),
      ]);
      expect((await newsTo(user.telegramId)).at(-1)).toContain(sales[0]!.id);
    });

    it("a commission reversed by a refund within the hold is never announced as available", async () => {
      const { user, sales } = await affiliateWithSales(deps(), 1);
      await refund(deps(), sales[0]!.id);
      t.ctx().clock.advance(30 * DAY_MS + 60_000);
      await t.telegram().runAffiliateNews();
      await settle();
      expect((await newsTo(user.telegramId)).filter((x) => x.startsWith("✅"))).toEqual([]);
    });

    it("no referral, no news: an unknown code, or a buyer nobody referred", async () => {
      const affiliate = await newAffiliate(deps());
      const stranger = await signUpWith(deps(), "NOSUCHCODE");
      await buy(deps(), stranger.user.id);
      await settle();
      expect(await newsTo(affiliate.user.telegramId)).toEqual([]);
    });

    it("an affiliate who blocked the bot is not messaged", async () => {
      const affiliate = await newAffiliate(deps());
      await deps().users.setReachable(affiliate.user.telegramId, false);
      const buyer = await signUpWith(deps(), affiliate.code);
      await buy(deps(), buyer.user.id, { months: 12 });
      await settle();
      expect(await textsTo(affiliate.user.telegramId)).toEqual([]);
    });
  });
});
