import { describe, expect, it } from "vitest";
import { admin, person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { signalRecipients } from "../signals/signals.table";

const EURUSD = {
  externalId: null,
  instrument: "EURUSD",
  side: "buy" as const,
  orderType: "market" as const,
  entryPrice: null,
  stopLoss: 1.07,
  takeProfit: 1.09,
  volume: null,
  ttlSeconds: 300,
  minTier: "premium" as const,
  note: null,
};

describe("signals in the bot", () => {
  const t = useTelegramApp();

  /** A subscriber holding `level`, optionally with auto-approve on. */
  async function subscriber(level: "premium" | "vip" = "premium", autoApprove = false) {
    const p = person();
    const user = await t.userOf(p);
    const tier = (await t.tiers())[level];
    await t.ctx().deps.entitlements.adminGrant({ id: user.id }, user.id, tier.id, 30);
    if (autoApprove) await t.ctx().deps.users.updateProfile(user.id, { autoApprove: true });
    return { p, user };
  }

  async function publish() {
    const root = await t.userOf(admin());
    const { signal } = await t.ctx().deps.signals.publish({ kind: "admin", userId: root.id }, EURUSD);
    await t.telegram().flushNotifications();
    await t.telegram().sender.drain();
    return signal;
  }

  const notificationTo = (chatId: number) =>
    t.callsTo(chatId, "sendMessage").find((c) => String(c.params.text).includes("EURUSD"));

  describe("happy path", () => {
    it("an admin publishes with /signal and the recipients are counted", async () => {
      await subscriber();
      const root = admin();
      await t.send(
        updates.message(root, "/signal EURUSD buy market sl=1.07 tp=1.09 ttl=300 note=Breakout, small size"),
      );
      await t.press(root, "✅ Send");
      expect(t.lastText(root.id)).toMatch(
        /Published <code>sig_\w+<\/code>: EURUSD BUY market, to 1 recipient\(s\)/,
      );
      const { items } = await t.ctx().deps.signals.list({ id: "x", role: "admin" }, { limit: 5 });
      expect(items[0]).toMatchObject({ stopLoss: 1.07, takeProfit: 1.09, note: "Breakout, small size" });
    });

    it("each recipient is told: Approve / Reject buttons, or auto-approved without buttons", async () => {
      const manual = await subscriber("premium");
      const auto = await subscriber("vip", true);
      const signal = await publish();
      const toManual = notificationTo(manual.p.id)!;
      expect(String(toManual.params.text)).toContain("New signal");
      expect(t.buttonsOf(toManual).map((b) => b.callback_data)).toEqual([
        `sig:ok:${signal.id}`,
        `sig:no:${signal.id}`,
      ]);
      const toAuto = notificationTo(auto.p.id)!;
      expect(String(toAuto.params.text)).toContain("Auto-approved");
      expect(t.buttonsOf(toAuto)).toEqual([]);
    });

    it("Approve on the notification decides, edits that message, and the queued edit changes nothing more", async () => {
      const { p, user } = await subscriber();
      const signal = await publish();
      await t.send(updates.callback(p, `sig:ok:${signal.id}`, 1234));
      expect(t.callbackAnswers()).toEqual(["Approved"]);
      const edit = t.callsTo(p.id, "editMessageText").at(-1)!;
      expect(edit.params.message_id).toBe(1234);
      expect(String(edit.params.text)).toContain("✅ Approved");
      expect(edit.params.reply_markup).toBeUndefined();
      const [row] = await t.ctx().deps.db.select().from(signalRecipients);
      expect(row).toMatchObject({ userId: user.id, decision: "approved" });
    });

    it("a decision made elsewhere (the API) edits the notification message", async () => {
      const { p, user } = await subscriber();
      const signal = await publish();
      const sent = await t.telegram().outbox.findByKey(`signal:${signal.id}:${user.id}`);
      expect(sent!.messageId).toBeGreaterThan(0);
      await t.ctx().deps.signals.decide(user.id, signal.id, "reject");
      await t.telegram().flushNotifications();
      await t.telegram().sender.drain();
      const edit = t.callsTo(p.id, "editMessageText").at(-1)!;
      expect(String(edit.params.text)).toContain("❌ Rejected");
      expect(edit.params.message_id).toBe(sent!.messageId);
      expect(edit.params.reply_markup).toBeUndefined();
    });

    it("/signals lists recent signals; pending ones get buttons and a decision re-renders the list", async () => {
      const { p } = await subscriber();
      const signal = await publish();
      await t.send(updates.message(p, "/signals"));
      expect(t.lastText(p.id)).toContain("<b>EURUSD</b> BUY market — pending");
      expect(t.lastButtons(p.id).map((b) => b.callback_data)).toEqual([
        `sig:ok:${signal.id}:l`,
        `sig:no:${signal.id}:l`,
      ]);
      await t.send(updates.callback(p, `sig:no:${signal.id}:l`));
      expect(t.lastText(p.id)).toContain("— rejected");
      expect(t.lastButtons(p.id)).toEqual([]);
    });
  });

  describe("errors", () => {
    it("a second decision is refused kindly and the message shows the first one", async () => {
      const { p } = await subscriber();
      const signal = await publish();
      await t.send(updates.callback(p, `sig:ok:${signal.id}`));
      await t.send(updates.callback(p, `sig:no:${signal.id}`));
      expect(t.callbackAnswers()).toEqual(["Approved", "You have already decided on this signal."]);
      expect(t.lastText(p.id)).toContain("✅ Approved");
    });

    it("a stale button (signal expired) says so and the message shows it expired", async () => {
      const { p } = await subscriber();
      const signal = await publish();
      t.ctx().clock.advance(301_000);
      await t.send(updates.callback(p, `sig:ok:${signal.id}`));
      expect(t.callbackAnswers()).toEqual(["This signal has expired."]);
      expect(t.lastText(p.id)).toContain("⌛ Expired");
    });

    it("/signal with an invalid signal lists the problems and publishes nothing", async () => {
      const root = admin();
      await t.send(updates.message(root, "/signal EURUSD buy limit sl=1.09 tp=1.07"));
      const text = t.lastText(root.id);
      expect(text).toContain("That signal is not valid");
      expect(text).toContain("entryPrice");
      expect((await t.ctx().deps.signals.list({ id: "x", role: "admin" }, { limit: 5 })).items).toHaveLength(
        0,
      );
    });
  });

  describe("security", () => {
    it("a signal not addressed to you cannot be decided from a forged button", async () => {
      await subscriber();
      const signal = await publish();
      const outsider = person();
      await t.send(updates.callback(outsider, `sig:ok:${signal.id}`));
      expect(t.callbackAnswers()).toEqual([
        expect.stringContaining("does not exist (or was not sent to you)"),
      ]);
      const rows = await t.ctx().deps.db.select().from(signalRecipients);
      expect(rows.every((r) => r.decision === "pending")).toBe(true);
    });

    it("/signal is refused to subscribers", async () => {
      const { p } = await subscriber();
      await t.send(updates.message(p, "/signal EURUSD buy market"));
      expect(t.lastText(p.id)).toContain("only for admins");
    });
  });
});
