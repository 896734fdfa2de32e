import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { VIP_ROOM } from "../../../test/support/channels";
import { admin, buy, chatUpdates, type Person, person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { DAY_MS } from "../entitlements/entitlements.models";
import { orders } from "../orders/orders.table";
import { createRenewalsService } from "../renewals/renewals.service";
import { renewalNotices } from "../renewals/renewals.table";
import { subscriptionsAutoRenewal } from "../subscriptions/subscriptions.renewal";
import { createI18n } from "./telegram.i18n";
import { createRenewalReminders } from "./telegram.reminders";
import { telegramOutbox } from "./telegram.table";

describe("renewal reminders and access ended (plans that do not renew)", () => {
  const t = useTelegramApp();
  const deps = () => t.ctx().deps;
  const clock = () => t.ctx().clock;

  async function buyer(p: Person = person(), months: 1 | 3 = 1) {
    const { user } = await deps().users.ensureFromTelegram({
      telegramId: p.id,
      username: p.username ?? null,
      firstName: p.first_name,
      languageCode: p.language_code ?? null,
    });
    const order = await buy(deps(), user.id, { months });
    const { premium } = await t.tiers();
    return { p, user, order, tier: premium };
  }
  async function granted(level: "premium" | "vip", days: number, p: Person = person()) {
    const user = await t.userOf(p);
    const tier = (await t.tiers())[level];
    await deps().entitlements.adminGrant({ id: user.id }, user.id, tier.id, days);
    return { p, user, tier };
  }
  /** Moves the clock to `days` before (negative: after) the user's plan ends, and runs the job. */
  async function at(userId: string, daysBeforeEnd: number, opts = { deliver: true }) {
    const [period] = (await deps().entitlements.view(userId)).items;
    clock().set(new Date(new Date(period!.expiresAt).getTime() - daysBeforeEnd * DAY_MS));
    await t.telegram().runReminders();
    if (opts.deliver) await t.telegram().sender.drain();
  }
  async function remind() {
    await t.telegram().runReminders();
    await t.telegram().sender.drain();
  }
  /** The renewal notices a chat got (not the payment's receipt and other messages). */
  const textsTo = (chatId: number) =>
    t
      .callsTo(chatId, "sendMessage")
      .map((c) => String(c.params.text))
      .filter((text) => /^(⏳|🔒)/u.test(text));

  describe("happy path", () => {
    it("a one-month plan hears 7, 3 and 1 days before it ends and when it has ended, each once", async () => {
      const { p, user } = await buyer();
      // Read from the outbox as queued: a private chat is paced at about one message a second.
      for (const d of [10, 7.5, 6.9, 6, 2.9, 2, 0.9, 0.1, -0.01, -1])
        await at(user.id, d, { deliver: false });
      const queued = await deps().db.select().from(telegramOutbox).orderBy(telegramOutbox.seq);
      const texts = queued
        .filter((row) => row.chatId === p.id)
        .map((row) => String(row.payload.text))
        .filter((text) => /^(⏳|🔒)/u.test(text));
      expect(texts).toHaveLength(4);
      expect(texts[0]).toMatch(/^⏳ Your Premium plan ends in 7 days, on /);
      expect(texts[1]).toMatch(/^⏳ Your Premium plan ends in 3 days, on /);
      expect(texts[2]).toMatch(/^⏳ Your Premium plan ends in 1 day, on /);
      expect(texts[3]).toMatch(/^🔒 Your Premium plan ended on .* Renew to get them back\.$/);
    });

    it("the renew button asks pay once or renew automatically for the same plan in place, then orders it once; another button offers other lengths", async () => {
      const { p, user, tier } = await buyer(person(), 3);
      await at(user.id, 6);
      expect(t.lastButtons(p.id)).toEqual([
        { text: "🔄 Renew for 3 months", callback_data: `shop:m:${tier.id}:3` },
        { text: "Other lengths", callback_data: `shop:t:${tier.id}` },
      ]);
      const messageId = 4242;
      await t.send(updates.callback(p, `shop:m:${tier.id}:3`, messageId));
      expect(t.lastButtons(p.id).map((b) => b.callback_data)).toEqual([
        `shop:o:${tier.id}:3:once`,
        `shop:b:${tier.id}`,
      ]);
      await t.send(updates.callback(p, `shop:o:${tier.id}:3:once`, messageId));
      await t.send(updates.callback(p, `shop:o:${tier.id}:3:once`, messageId));
      const pending = await deps().db.select().from(orders).where(eq(orders.status, "pending"));
      expect(pending.map((o) => [o.userId, o.tierId, o.months])).toEqual([[user.id, tier.id, 3]]);
      expect(t.lastText(p.id)).toContain("Premium, 3 months");
    });

    it("a plan no order paid for (an admin grant) gets a renew button that opens the tier's lengths", async () => {
      const { p, user, tier } = await granted("premium", 30);
      await at(user.id, 3);
      expect(textsTo(p.id)).toEqual([expect.stringContaining("ends in 3 days")]);
      expect(t.lastButtons(p.id)).toEqual([{ text: "Renew", callback_data: `shop:t:${tier.id}` }]);
    });

    it("speaks the user's language (es, ru)", async () => {
      const es = await buyer(person({ language_code: "es" }));
      const ru = await buyer(person({ language_code: "ru" }));
      await at(es.user.id, 2.5);
      expect(textsTo(es.p.id)).toEqual([expect.stringMatching(/^⏳ Tu plan Premium termina en 3 días, el /)]);
      expect(textsTo(ru.p.id)).toEqual([
        expect.stringMatching(/^⏳ Ваш тариф Premium заканчивается через 3 дня, /),
      ]);
      clock().advance(3 * DAY_MS);
      await remind();
      expect(textsTo(es.p.id).at(-1)).toMatch(/^🔒 Tu plan Premium terminó el /);
      expect(textsTo(ru.p.id).at(-1)).toMatch(/^🔒 Ваш тариф Premium закончился /);
    });

    it("the end of a plan removes its holder from the linked channel, and says so", async () => {
      const root = await t.userOf(admin());
      t.api.addChat(VIP_ROOM.id, { type: VIP_ROOM.type, title: VIP_ROOM.title });
      await deps().channels.service.link(
        { id: root.id },
        { chatId: VIP_ROOM.id, minTier: "premium", postSignals: false },
      );
      const { p, user } = await buyer();
      t.api.requestJoin(VIP_ROOM.id, p.id);
      await t.send(chatUpdates.joinRequest(VIP_ROOM, p));
      await deps().events.settled();
      await t.telegram().sender.drain();
      expect(t.api.statusIn(VIP_ROOM.id, p.id)).toBe("member");

      await at(user.id, -0.001);
      await deps().channels.jobs.runNow("access");
      expect(t.api.statusIn(VIP_ROOM.id, p.id)).toBe("left");
      expect(t.api.callsOf("banChatMember").map((c) => Number(c.params.user_id))).toEqual([p.id]);
      expect(textsTo(p.id).at(-1)).toContain("Your Premium plan ended on");
    });
  });

  describe("each once, and only for plans that end", () => {
    it("recorded in the database: a restart (a new job, the sent messages pruned) sends nothing again", async () => {
      const { p, user } = await buyer();
      await at(user.id, 2);
      await deps().db.delete(telegramOutbox);
      const again = createRenewalReminders({
        renewals: createRenewalsService({
          db: deps().db,
          clock: clock(),
          autoRenewal: subscriptionsAutoRenewal(deps().db),
        }),
        translator: createI18n({}).translator,
      });
      expect(await again.runOnce()).toBe(0);
      await remind();
      expect(textsTo(p.id)).toHaveLength(1);
      expect(await deps().db.select().from(renewalNotices)).toEqual([
        expect.objectContaining({ userId: user.id, kind: "ends_in_3d" }),
      ]);
    });

    it("two runs at once (two instances) queue one message", async () => {
      const { p, user } = await buyer();
      const [period] = (await deps().entitlements.view(user.id)).items;
      clock().set(new Date(new Date(period!.expiresAt).getTime() - 5 * DAY_MS));
      const jobs = [0, 1].map(() =>
        createRenewalReminders({
          renewals: createRenewalsService({
            db: deps().db,
            clock: clock(),
            autoRenewal: subscriptionsAutoRenewal(deps().db),
          }),
          translator: createI18n({}).translator,
        }),
      );
      const sent = await Promise.all(jobs.map((j) => j.runOnce()));
      expect(sent.sort()).toEqual([0, 1]);
      await t.telegram().sender.drain();
      expect(textsTo(p.id)).toHaveLength(1);
    });

    it("a renewal moves the end: the old end is not announced, the new one is in its turn", async () => {
      const { p, user } = await buyer();
      await at(user.id, 6);
      await buy(deps(), user.id);
      clock().advance(5.5 * DAY_MS);
      await remind();
      expect(textsTo(p.id)).toHaveLength(1);
      clock().advance(1 * DAY_MS);
      await remind();
      expect(textsTo(p.id)).toHaveLength(1);
      clock().advance(27 * DAY_MS);
      await remind();
      const texts = textsTo(p.id);
      expect(texts).toHaveLength(2);
      expect(texts[1]).toContain("ends in 3 days");
    });

    it("a person who blocked the bot is not messaged", async () => {
      const { p, user } = await buyer();
      await deps().users.setReachable(p.id, false);
      await at(user.id, 2);
      await at(user.id, -0.5);
      expect(textsTo(p.id)).toHaveLength(0);
      expect(await deps().db.select().from(renewalNotices)).toEqual([]);
    });

    it("an upgrade that runs past the end covers it: no reminder for the lower plan", async () => {
      const { p, user } = await buyer();
      await granted("vip", 60, p);
      await at(user.id, 2);
      await at(user.id, -0.5);
      expect(textsTo(p.id)).toHaveLength(0);
    });

    it("a short trial hears only '1 day left' and the end; an ended plan from before is history", async () => {
      const trial = await granted("premium", 3);
      await at(trial.user.id, 2.5);
      await at(trial.user.id, 0.5);
      await at(trial.user.id, -0.5);
      expect(textsTo(trial.p.id)).toEqual([
        expect.stringContaining("ends in 1 day"),
        expect.stringContaining("ended on"),
      ]);
      const old = await granted("premium", 30);
      clock().advance(40 * DAY_MS);
      await remind();
      expect(textsTo(old.p.id)).toHaveLength(0);
    });

    it("a plan that renews by itself (what the auto-renewal seam names) gets no reminders", async () => {
      const { p, user } = await buyer();
      const renews = createRenewalsService({
        db: deps().db,
        clock: clock(),
        autoRenewal: { renewing: async (last) => new Set(last.map((l) => l.id)) },
      });
      const job = createRenewalReminders({ renewals: renews, translator: createI18n({}).translator });
      const [period] = (await deps().entitlements.view(user.id)).items;
      clock().set(new Date(new Date(period!.expiresAt).getTime() - 2 * DAY_MS));
      expect(await renews.due()).toEqual([]);
      expect(await job.runOnce()).toBe(0);
      await t.telegram().sender.drain();
      expect(textsTo(p.id)).toHaveLength(0);
    });
  });
});
