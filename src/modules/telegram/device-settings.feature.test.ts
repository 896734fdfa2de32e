import { describe, expect, it } from "vitest";
import { person, updates } from "../../../test/support/factories";
import { signedInject } from "../../../test/support/signed";
import { useTelegramApp } from "../../../test/support/telegram";

describe("device settings in the bot (/devices → ⚙️)", () => {
  const t = useTelegramApp();

  /** A person with a VIP plan and one device, the settings screen open. */
  async function withDevice() {
    const ada = person();
    const user = await t.userOf(ada);
    const vip = (await t.tiers()).vip;
    await t.ctx().deps.entitlements.adminGrant({ id: user.id }, user.id, vip.id, 30);
    const { device, secret } = await t.ctx().deps.devices.register(user.id, "London VPS");
    await t.send(updates.callback(ada, `ds:${device.id}`));
    const settings = () => t.ctx().deps.devices.settings(user.id, device.id);
    return {
      ada,
      user,
      device,
      secret,
      settings,
      press: (op: string) => {
        // A person gets 5 updates at once, then one a second (the intake's rate limit).
        t.ctx().clock.advance(1_000);
        return t.send(updates.callback(ada, `ds:${device.id}:${op}`));
      },
    };
  }

  describe("happy path", () => {
    it("shows every setting in words with buttons, the current choices marked", async () => {
      const { ada, device } = await withDevice();
      const text = t.lastText(ada.id);
      expect(text).toContain("<b>London VPS</b> — settings v1");
      expect(text).toContain("Size:</b> 0.01 lots per trade");
      expect(text).toContain("Lot cap:</b> none");
      expect(text).toContain("Trading:</b> ▶️ active");
      const buttons = t.lastButtons(ada.id);
      expect(buttons.map((b) => b.text)).toEqual(
        expect.arrayContaining([
          "• Fixed lots",
          "% risk",
          "• 0.01",
          "• No cap",
          "• 30 pts",
          "• Any entry",
          "⏸ Pause trading",
        ]),
      );
      for (const b of buttons) expect(Buffer.byteLength(b.callback_data!)).toBeLessThanOrEqual(64);
      expect(buttons.every((b) => b.callback_data!.startsWith(`ds:${device.id}`))).toBe(true);
    });

    it("buttons change sizing, cap, slippage, deviation and pause, each a new version the EA polls", async () => {
      const { ada, settings, press, device, secret } = await withDevice();
      await press("m:r");
      expect((await settings()).sizing).toEqual({ mode: "risk_percent", value: 1 });
      await press("v:2");
      await press("c:1");
      await press("s:50");
      await press("d:0.25");
      await press("p:1");
      expect(await settings()).toMatchObject({
        version: 7,
        sizing: { mode: "risk_percent", value: 2 },
        maxLots: 1,
        maxSlippagePoints: 50,
        maxEntryDeviationPct: 0.25,
        paused: true,
      });
      // The screen is edited in place and shows the new state.
      const edit = t.callsTo(ada.id, "editMessageText").at(-1)!;
      expect(String(edit.params.text)).toContain("⏸ paused");
      expect(t.lastButtons(ada.id).map((b) => b.text)).toContain("▶️ Resume trading");
      const poll = await signedInject(
        t.ctx().app,
        t.ctx().clock,
        { id: device.id, secret },
        {
          method: "GET",
          url: "/api/v1/device/poll",
        },
      );
      expect(poll.json().settings).toMatchObject({ version: 7, paused: true });
    });

    it("maps a symbol by typing it, sets a suffix by button, and unmaps by button", async () => {
      const { ada, settings, press } = await withDevice();
      await press("sym");
      expect(t.lastText(ada.id)).toContain("No symbols mapped.");
      await press("ask:map");
      expect(t.lastText(ada.id)).toContain("XAUUSD GOLD.m");
      await t.send(updates.message(ada, "xauusd GOLD.m"));
      expect((await settings()).symbolMap).toEqual({ XAUUSD: "GOLD.m" });
      expect(t.lastText(ada.id)).toContain("XAUUSD → <code>GOLD.m</code>");
      await press("x:.m");
      expect((await settings()).symbolSuffix).toBe(".m");
      await press("um:XAUUSD");
      expect(await settings()).toMatchObject({ symbolMap: {}, symbolSuffix: ".m" });
    });

    it("takes a typed size, with a comma for the decimal point", async () => {
      const { ada, settings, press } = await withDevice();
      await press("ask:value");
      expect(t.lastText(ada.id)).toContain("lots per trade");
      await t.send(updates.message(ada, "0,03"));
      expect((await settings()).sizing).toEqual({ mode: "fixed", value: 0.03 });
      expect(t.lastText(ada.id)).toContain("0.03 lots per trade");
    });

    it("resets to the defaults only after a confirmation", async () => {
      const { ada, settings, press } = await withDevice();
      await press("p:1");
      await press("reset");
      expect(t.lastText(ada.id)).toContain("Reset <b>London VPS</b> to the defaults?");
      expect((await settings()).paused).toBe(true);
      await press("show");
      expect((await settings()).paused).toBe(true);
      await press("reset");
      await press("reset!");
      expect(await settings()).toMatchObject({
        version: 3,
        paused: false,
        sizing: { mode: "fixed", value: 0.01 },
      });
    });

    it("the device list shows the settings, the MT5 account from the hello, and a settings button", async () => {
      const { ada, device, secret } = await withDevice();
      await signedInject(
        t.ctx().app,
        t.ctx().clock,
        { id: device.id, secret },
        {
          method: "POST",
          url: "/api/v1/device/hello",
          body: {
            account: { login: "51234567", server: "ICMarketsSC-Demo", currency: "USD", leverage: 500 },
            client: { name: "SignalDesk.mq5", version: "1.0.0" },
          },
        },
      );
      await t.send(updates.message(ada, "/devices"));
      const text = t.lastText(ada.id);
      expect(text).toContain("fixed 0.01 lots, slippage 30 pts");
      expect(text).toContain("MT5 51234567 on ICMarketsSC-Demo (USD, 1:500) · SignalDesk.mq5 1.0.0");
      expect(t.lastButtons(ada.id)[0]).toMatchObject({
        text: "⚙️ London VPS",
        callback_data: `ds:${device.id}`,
      });
    });
  });

  describe("errors", () => {
    it("a typed value out of range is refused with the reason, stored nothing, and asked again", async () => {
      const { ada, settings, press } = await withDevice();
      await press("m:r");
      await press("ask:value");
      await t.send(updates.message(ada, "25"));
      expect(t.lastText(ada.id)).toContain("at most 10% for risk_percent");
      expect((await settings()).sizing.value).toBe(1);
      t.ctx().clock.advance(1_000);
      await t.send(updates.message(ada, "lots"));
      expect(t.lastText(ada.id)).toContain("That is not a number.");
      t.ctx().clock.advance(1_000);
      await t.send(updates.message(ada, "1.5"));
      expect((await settings()).sizing).toEqual({ mode: "risk_percent", value: 1.5 });
    });

    it("a symbol pair that is not two symbols is refused and asked again", async () => {
      const { ada, settings, press } = await withDevice();
      await press("ask:map");
      await t.send(updates.message(ada, "XAUUSD"));
      expect(t.lastText(ada.id)).toContain("Send two symbols");
      await t.send(updates.message(ada, "EUR/USD EURUSD"));
      expect(t.lastText(ada.id)).toContain("must be a signal instrument");
      expect((await settings()).symbolMap).toEqual({});
    });
  });

  describe("security", () => {
    it("someone else's device settings can be neither seen nor changed", async () => {
      const { device, settings } = await withDevice();
      const mallory = person();
      for (const op of ["", ":p:1", ":c:5", ":reset!", ":ask:value"])
        await t.send(updates.callback(mallory, `ds:${device.id}${op}`));
      expect(t.callbackAnswers().slice(-5)).toEqual(
        Array(5).fill(expect.stringContaining("does not exist (or is not yours)")),
      );
      expect((await settings()).version).toBe(1);
      expect(t.callsTo(mallory.id, "sendMessage")).toHaveLength(0);
      expect(t.callsTo(mallory.id, "editMessageText")).toHaveLength(0);
    });
  });
});
