import { describe, expect, it } from "vitest";
import { admin, person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { auditLog } from "../audit/audit.table";

describe("admin commands in the bot", () => {
  const t = useTelegramApp();

  describe("happy path", () => {
    it("/stats shows users, active subscribers, revenue over 30 days, devices online and signals today", async () => {
      const { premium } = await t.tiers();
      const root = admin();
      const rootUser = await t.userOf(root);
      const buyer = await t.userOf(person());
      await t.userOf(person());
      const order = await t
        .ctx()
        .deps.orders.create({ id: buyer.id, region: "EU" }, { tierId: premium.id, months: 1 });
      await t.ctx().deps.orders.markPaidManually({ id: rootUser.id }, order.id, "cash");
      const { device } = await t.ctx().deps.devices.register(buyer.id, "VPS");
      t.ctx().deps.devices.touch(device.id);
      await t.ctx().deps.devices.flushLastSeen();
      await t.send(updates.message(root, "/signal EURUSD sell market ttl=60"));
      await t.press(root, "✅ Send");
      await t.send(updates.message(root, "/stats"));
      const text = t.lastText(root.id);
      expect(text).toContain("Users: 3");
      expect(text).toContain("Active subscribers: 1");
      // €34.61 back to GBP at 1.17 is £29.58.
      expect(text).toContain("Revenue, last 30 days: £29.58");
      expect(text).toContain("Devices online: 1");
      expect(text).toContain("Signals today (UTC): 1");
    });

    it("/broadcast shows a preview first; Send queues one message per user, paced by the sender, and is audited", async () => {
      const root = admin();
      const people = [person(), person(), person()];
      for (const p of [root, ...people]) await t.userOf(p);
      await t.send(updates.message(root, "/broadcast Markets close early on <Friday> & Monday"));
      expect(t.lastText(root.id)).toBe(
        "👁 <b>Preview</b>: send this message to 4 people?\n\nMarkets close early on &lt;Friday&gt; &amp; Monday",
      );
      expect(t.lastButtons(root.id).map((b) => b.text)).toEqual(["✅ Send", "✖️ Cancel"]);
      expect(await t.telegram().outbox.unsettledCount()).toBe(0);

      await t.press(root, "✅ Send");
      const edit = t.callsTo(root.id, "editMessageText").at(-1)!;
      expect(edit.params.text).toContain("Broadcast queued for 4 people");
      expect(t.buttonsOf(edit)).toEqual([]);
      await t.telegram().sender.drain();
      for (const p of people) {
        expect(t.lastText(p.id)).toBe("Markets close early on &lt;Friday&gt; &amp; Monday");
      }
      const audit = await t.ctx().deps.db.select().from(auditLog);
      expect(audit).toContainEqual(
        expect.objectContaining({ action: "telegram.broadcast", data: { recipients: 4, length: 40 } }),
      );
    });

    it("/signal shows the signal as subscribers will read it, and publishes nothing until Send", async () => {
      const root = admin();
      await t.userOf(root);
      await t.send(
        updates.message(root, "/signal EURUSD buy limit entry=1.085 sl=1.08 tp=1.1 tier=vip note=NFP"),
      );
      const preview = t.lastText(root.id);
      expect(preview).toContain("👁 <b>Preview</b>: publish this signal to VIP subscribers and above?");
      expect(preview).toContain("🟢 <b>EURUSD</b> BUY limit\nEntry: 1.085\nSL: 1.08 · TP: 1.1\nNote: NFP");
      const signals = () => t.ctx().deps.signals.list({ id: "x", role: "admin" }, { limit: 5 });
      expect((await signals()).items).toEqual([]);

      await t.press(root, "✅ Send");
      const [published] = (await signals()).items;
      expect(published).toMatchObject({
        instrument: "EURUSD",
        entryPrice: 1.085,
        minTier: "vip",
        note: "NFP",
      });
      const edit = t.callsTo(root.id, "editMessageText").at(-1)!;
      expect(edit.params.text).toContain(`Published <code>${published!.id}</code>`);
      expect(t.buttonsOf(edit).map((b) => b.text)).toEqual(["🛡 Breakeven", "✂️ Close 50%", "🏁 Close"]);
      expect(t.callbackAnswers().at(-1)).toBe("Sent");
    });
  });

  describe("previews settle once", () => {
    const signalCount = async () =>
      (await t.ctx().deps.signals.list({ id: "x", role: "admin" }, { limit: 10 })).items.length;

    it("Send tapped twice publishes one signal; the second tap only hears it is done", async () => {
      const root = admin();
      await t.userOf(root);
      await t.send(updates.message(root, "/signal EURUSD sell market sl=1.1 tp=1.05"));
      const send = t.lastButtons(root.id)[0]!.callback_data!;
      await Promise.all([t.send(updates.callback(root, send)), t.send(updates.callback(root, send))]);
      expect(await signalCount()).toBe(1);
      expect(t.callbackAnswers().sort()).toEqual(["Already done.", "Sent"]);
      expect(t.callsTo(root.id, "editMessageText")).toHaveLength(1);
    });

    it("a broadcast's Send tapped twice queues one message per person", async () => {
      const root = admin();
      const people = [person(), person()];
      for (const p of [root, ...people]) await t.userOf(p);
      await t.send(updates.message(root, "/broadcast Twice?"));
      const send = t.lastButtons(root.id)[0]!.callback_data!;
      await t.send(updates.callback(root, send));
      await t.send(updates.callback(root, send));
      await t.telegram().sender.drain();
      for (const p of people) expect(t.callsTo(p.id, "sendMessage")).toHaveLength(1);
      expect(t.callbackAnswers()).toEqual(["Sent", "Already done."]);
    });

    it("Cancel sends nothing, the preview says so without buttons, and a later Send does nothing", async () => {
      const root = admin();
      await t.userOf(root);
      await t.send(updates.message(root, "/signal EURUSD buy market"));
      const [send, cancel] = t.lastButtons(root.id).map((b) => b.callback_data!);
      await t.send(updates.callback(root, cancel!));
      const edit = t.callsTo(root.id, "editMessageText").at(-1)!;
      expect(edit.params.text).toBe("✖️ Cancelled: nothing was sent.");
      expect(t.buttonsOf(edit)).toEqual([]);
      await t.send(updates.callback(root, send!));
      expect(await signalCount()).toBe(0);
      expect(t.callbackAnswers().at(-1)).toBe("Already done.");
    });

    it("a preview older than an hour is not sent: the press says it expired and the buttons go", async () => {
      const root = admin();
      await t.userOf(root);
      await t.send(updates.message(root, "/broadcast Old news"));
      t.ctx().clock.advance(61 * 60_000);
      await t.press(root, "✅ Send");
      const edit = t.callsTo(root.id, "editMessageText").at(-1)!;
      expect(edit.params.text).toBe("This preview has expired: nothing was sent. Send the command again.");
      expect(t.buttonsOf(edit)).toEqual([]);
      expect(await t.telegram().outbox.unsettledCount()).toBe(0);
    });

    it("a subscriber pressing an admin's Send publishes nothing", async () => {
      const root = admin();
      await t.userOf(root);
      await t.send(updates.message(root, "/signal EURUSD buy market"));
      const send = t.lastButtons(root.id)[0]!.callback_data!;
      await t.send(updates.callback(person(), send));
      expect(await signalCount()).toBe(0);
      await t.press(root, "✅ Send");
      expect(await signalCount()).toBe(1);
    });
  });

  it("/console sends a single-use sign-in link, without a link preview (a preview would use it up)", async () => {
    const root = admin();
    await t.userOf(root);
    await t.send(updates.message(root, "/console"));
    const sent = t.callsTo(root.id, "sendMessage").at(-1)!;
    expect(sent.params.link_preview_options).toEqual({ is_disabled: true });
    const url = /https?:\/\/\S+\/console\/login\?token=[\w-]+/.exec(String(sent.params.text))![0];
    const login = new URL(url);
    const opened = await t.ctx().app.inject({ method: "GET", url: `${login.pathname}${login.search}` });
    expect(opened.statusCode).toBe(303);
    const again = await t.ctx().app.inject({ method: "GET", url: `${login.pathname}${login.search}` });
    expect(again.statusCode).toBe(401);
  });

  it("a broadcast from the console reaches every user through the paced outbox, escaped", async () => {
    const root = admin();
    const rootUser = await t.userOf(root);
    const people = [person(), person()];
    for (const p of people) await t.userOf(p);
    const token = await t.ctx().deps.tokens.issue(rootUser.id);
    const res = await t.ctx().app.inject({
      method: "POST",
      url: "/api/v1/admin/broadcasts",
      headers: { authorization: `Bearer ${token}` },
      payload: { text: "New <VIP> room & more" },
    });
    expect(res.statusCode, res.body).toBe(202);
    await t.ctx().deps.events.settled();
    await t.telegram().sender.drain();
    for (const p of [root, ...people]) expect(t.lastText(p.id)).toBe("New &lt;VIP&gt; room &amp; more");
  });

  it("/console is not offered to a subscriber", async () => {
    const someone = person();
    await t.userOf(someone);
    await t.send(updates.message(someone, "/console"));
    expect(String(t.lastText(someone.id))).not.toContain("/console/login");
  });

  describe("errors", () => {
    it("/broadcast without text shows its usage and sends nothing", async () => {
      const root = admin();
      await t.send(updates.message(root, "/broadcast"));
      expect(t.lastText(root.id)).toContain("Usage: /broadcast");
      expect(await t.telegram().outbox.unsettledCount()).toBe(0);
    });

    it("/signal without arguments shows its usage", async () => {
      const root = admin();
      await t.send(updates.message(root, "/signal"));
      expect(t.lastText(root.id)).toContain("Usage: /signal EURUSD buy market");
    });
  });

  describe("security", () => {
    it("subscribers get a refusal for every admin command, and nothing happens", async () => {
      const ada = person();
      for (const command of [
        "/stats",
        "/broadcast hi",
        "/signal EURUSD buy market",
        "/payouts",
        "/refund ord_x",
      ]) {
        await t.send(updates.message(ada, command));
        expect(t.lastText(ada.id), command).toContain("only for admins");
      }
      expect(await t.telegram().outbox.unsettledCount()).toBe(0);
    });
  });
});
