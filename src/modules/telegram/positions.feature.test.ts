import { describe, expect, it } from "vitest";
import { admin, person, updates } from "../../../test/support/factories";
import { signedInject } from "../../../test/support/signed";
import { useTelegramApp } from "../../../test/support/telegram";

const EURUSD = {
  externalId: null,
  instrument: "EURUSD",
  side: "buy" as const,
  orderType: "limit" as const,
  entryPrice: 1.085,
  stopLoss: 1.08,
  takeProfit: 1.1,
  volume: null,
  ttlSeconds: 300,
  minTier: "premium" as const,
  note: null,
};

describe("positions in the bot", () => {
  const t = useTelegramApp();

  /** An auto-approving VIP whose devices filled a fresh signal. */
  async function holder(deviceNames = ["mt5-main"]) {
    const p = person();
    const user = await t.userOf(p);
    await t.ctx().deps.entitlements.adminGrant({ id: user.id }, user.id, (await t.tiers()).vip.id, 30);
    await t.ctx().deps.users.updateProfile(user.id, { autoApprove: true });
    const devices = [];
    for (const name of deviceNames) devices.push(await t.ctx().deps.devices.register(user.id, name));
    const root = await t.userOf(admin());
    const { signal } = await t.ctx().deps.signals.publish({ kind: "admin", userId: root.id }, EURUSD);
    for (const [i, d] of devices.entries()) {
      const res = await signedInject(
        t.ctx().app,
        t.ctx().clock,
        { id: d.device.id, secret: d.secret },
        {
          method: "POST",
          url: "/api/v1/device/fill",
          body: { signalId: signal.id, price: 1.085, volume: 0.1, brokerTicket: `T${i}` },
        },
      );
      expect(res.statusCode).toBe(201);
    }
    await settle();
    return { p, user, root, signal, devices };
  }
  async function settle() {
    await t.ctx().deps.events.settled();
    await t.telegram().flushNotifications();
    await t.telegram().sender.drain();
  }
  const textsTo = (chatId: number) =>
    t
      .callsTo(chatId)
      .filter((c) => c.method === "sendMessage" || c.method === "editMessageText")
      .map((c) => String(c.params.text));

  describe("happy path", () => {
    it("tells each holder once per update how many of their devices it goes to", async () => {
      const { p, root, signal } = await holder(["mt5-main", "vps"]);
      await t.ctx().deps.positions.update({ kind: "admin", userId: root.id }, signal.id, {
        action: "modify",
        stopLoss: 1.085,
        takeProfit: null,
        fraction: null,
        externalId: null,
        note: "risk off",
      });
      await settle();
      expect(t.lastText(p.id)).toBe(
        "🔧 <b>EURUSD</b> BUY: SL moved to 1.085 (breakeven) on 2 devices.\nNote: risk off",
      );
      const bystander = person();
      await t.userOf(bystander);
      expect(textsTo(bystander.id)).toEqual([]);
    });

    it("tells the holder each device's result: closed at a price, with pips from its fill", async () => {
      const { p, root, signal, devices } = await holder();
      const { update } = await t.ctx().deps.positions.update({ kind: "admin", userId: root.id }, signal.id, {
        action: "close",
        stopLoss: null,
        takeProfit: null,
        fraction: null,
        externalId: null,
        note: null,
      });
      // The holder hears of the close before any device reports on it, as in life (a device
      // applies it seconds later); on a loaded machine the two notices could otherwise cross.
      await settle();
      expect(t.lastText(p.id)).toBe("🏁 <b>EURUSD</b> BUY: position closed on 1 device.");
      const d = devices[0]!;
      const res = await signedInject(
        t.ctx().app,
        t.ctx().clock,
        { id: d.device.id, secret: d.secret },
        {
          method: "POST",
          url: "/api/v1/device/update-result",
          body: { updateId: update.id, status: "applied", closePrice: 1.0912, closedVolume: 0.1 },
        },
      );
      expect(res.statusCode).toBe(201);
      await settle();
      expect(textsTo(p.id)).toContain("🏁 <b>EURUSD</b> BUY: position closed on 1 device.");
      // (1.0912 − 1.085) / 0.0001 = 62 pips.
      expect(t.lastText(p.id)).toBe("✅ <b>EURUSD</b> BUY closed on <b>mt5-main</b> at 1.0912, +62 pips.");
    });

    it("/signal gets position buttons; Close asks for confirmation, and Confirm closes it", async () => {
      const root = admin();
      await t.userOf(root);
      await t.send(updates.message(root, "/signal EURUSD buy market sl=1.08 tp=1.1"));
      await t.press(root, "✅ Send");
      const buttons = t.lastButtons(root.id);
      expect(buttons.map((b) => b.text)).toEqual(["🛡 Breakeven", "✂️ Close 50%", "🏁 Close"]);
      const close = buttons.find((b) => b.text === "🏁 Close")!;
      await t.send(updates.callback(root, close.callback_data!));
      expect(t.lastText(root.id)).toContain("Apply: position closed, on every device holding it?");
      const confirm = t.lastButtons(root.id).find((b) => b.text === "✅ Confirm")!;
      const signalId = close.callback_data!.split(":").at(-1)!;
      // Nothing happened before the confirmation.
      expect((await t.ctx().deps.signals.get({ id: "x", role: "admin" }, signalId)).positionStatus).toBe(
        "open",
      );
      await t.send(updates.callback(root, confirm.callback_data!));
      expect(t.lastText(root.id)).toContain("Done: update #1");
      expect((await t.ctx().deps.signals.get({ id: "x", role: "admin" }, signalId)).positionStatus).toBe(
        "closed",
      );
    });

    it("/modify by instrument with sl=be moves the stop to the entry after confirmation; Keep as is changes nothing", async () => {
      const { root, signal } = await holder();
      const rootPerson = admin();
      await t.send(updates.message(rootPerson, "/modify eurusd sl=be"));
      expect(t.lastText(rootPerson.id)).toContain("SL moved to 1.085 (breakeven)");
      const [confirm, keep] = t.lastButtons(rootPerson.id);
      await t.send(updates.callback(rootPerson, keep!.callback_data!));
      expect(t.lastText(rootPerson.id)).toBe("Nothing changed.");
      expect((await t.ctx().deps.signals.get({ id: root.id, role: "admin" }, signal.id)).updates).toEqual([]);
      await t.send(updates.callback(rootPerson, confirm!.callback_data!));
      const shown = await t.ctx().deps.signals.get({ id: root.id, role: "admin" }, signal.id);
      expect(shown.stopLoss).toBe(1.085);
      await t.send(updates.message(rootPerson, "/modify eurusd sl=1.083 tp=1.11"));
      await t.send(updates.callback(rootPerson, t.lastButtons(rootPerson.id)[0]!.callback_data!));
      const modified = await t.ctx().deps.signals.get({ id: root.id, role: "admin" }, signal.id);
      expect(modified).toMatchObject({ stopLoss: 1.083, takeProfit: 1.11 });
    });

    it("/close without arguments lists open positions with a button each", async () => {
      const { signal } = await holder();
      const root = admin();
      await t.send(updates.message(root, "/close"));
      expect(t.lastText(root.id)).toBe("Which position do you want to close?");
      expect(t.lastButtons(root.id).map((b) => b.callback_data)).toEqual([`pos:a:close:${signal.id}`]);
    });

    it("/record shows the verified record to anyone", async () => {
      const { p, root, signal, devices } = await holder();
      const { update } = await t.ctx().deps.positions.update({ kind: "admin", userId: root.id }, signal.id, {
        action: "close",
        stopLoss: null,
        takeProfit: null,
        fraction: null,
        externalId: null,
        note: null,
      });
      const d = devices[0]!;
      await signedInject(
        t.ctx().app,
        t.ctx().clock,
        { id: d.device.id, secret: d.secret },
        {
          method: "POST",
          url: "/api/v1/device/update-result",
          body: { updateId: update.id, status: "applied", closePrice: 1.095 },
        },
      );
      await t.send(updates.message(p, "/record"));
      const text = t.lastText(p.id);
      expect(text).toContain("Track record, last 30 days");
      expect(text).toContain("Signals: 1 (1 won, 0 lost)");
      expect(text).toContain("Total: +100 pips");
      expect(text).toContain("Average: +2R");
    });
  });

  describe("errors", () => {
    it("/modify without prices shows its usage; an update of a closed position is refused in the chat", async () => {
      const { signal } = await holder();
      const root = admin();
      await t.send(updates.message(root, "/modify EURUSD"));
      expect(t.lastText(root.id)).toContain("Usage: /modify");
      await t.send(updates.message(root, `/close ${signal.id}`));
      const confirm = t.lastButtons(root.id)[0]!.callback_data!;
      await t.send(updates.callback(root, confirm));
      await t.send(updates.callback(root, confirm));
      expect(t.callbackAnswers().at(-1)).toMatch(/already closed/i);
    });
  });

  describe("security", () => {
    it("subscribers cannot use /close, /modify or the position buttons", async () => {
      const { p, signal } = await holder();
      for (const command of [`/close ${signal.id}`, "/modify EURUSD sl=1.08"]) {
        await t.send(updates.message(p, command));
        expect(t.lastText(p.id)).toContain("only for admins");
      }
      await t.send(updates.callback(p, `pos:y:close:${signal.id}`));
      expect(t.callbackAnswers().at(-1)).toBe("Only for admins.");
      expect((await t.ctx().deps.signals.get({ id: "x", role: "admin" }, signal.id)).positionStatus).toBe(
        "open",
      );
    });
  });
});
