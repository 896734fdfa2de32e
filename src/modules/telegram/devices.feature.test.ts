import { describe, expect, it } from "vitest";
import { person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { telegramConversations } from "./telegram.table";

describe("/devices in the bot", () => {
  const t = useTelegramApp();
  const devicesOf = async (p: ReturnType<typeof person>) => t.ctx().deps.devices.list((await t.userOf(p)).id);

  async function addDevice(p: ReturnType<typeof person>, name: string) {
    await t.send(updates.callback(p, "dev:add"));
    await t.send(updates.message(p, name));
  }

  /** A device made through the service, so the test's own presses stay within the per-person rate limit. */
  async function registered(p: ReturnType<typeof person>, name: string) {
    const { device } = await t.ctx().deps.devices.register((await t.userOf(p)).id, name);
    return device;
  }
  const secretOf = (id: string, keyVersion: number) => t.ctx().deps.devices.secretOf({ id, keyVersion });
  const texts = (p: ReturnType<typeof person>) => t.callsTo(p.id).map((c) => String(c.params.text ?? ""));

  describe("happy path", () => {
    it("add asks for a name, then replies the id and secret once with EA setup steps", async () => {
      const ada = person();
      await t.send(updates.message(ada, "/devices"));
      expect(t.lastText(ada.id)).toContain("no devices yet");
      expect(t.lastButtons(ada.id).map((b) => b.callback_data)).toEqual(["dev:add"]);
      await t.send(updates.callback(ada, "dev:add"));
      expect(t.lastText(ada.id)).toContain("Send me a name");
      await t.send(updates.message(ada, "London VPS"));
      const [device] = await devicesOf(ada);
      expect(device).toMatchObject({ name: "London VPS", online: false });
      const reply = t.callsTo(ada.id, "sendMessage").at(-1)!;
      const secret = t.ctx().deps.devices.secretOf({ id: device!.id, keyVersion: 1 });
      expect(reply.params.text).toContain(`Device ID: <code>${device!.id}</code>`);
      expect(reply.params.text).toContain(`Secret: <code>${secret}</code>`);
      expect(reply.params.text).toContain("allow WebRequest");
      expect(reply.params.text).toContain("<code>clients/mt5/README.md</code>");
      expect(reply.params.protect_content).toBe(true);
    });

    it("the list shows each device's online state with rotate and remove buttons", async () => {
      const ada = person();
      await addDevice(ada, "Home PC");
      const [device] = await devicesOf(ada);
      t.ctx().deps.devices.touch(device!.id);
      await t.send(updates.message(ada, "/devices"));
      expect(t.lastText(ada.id)).toContain("🟢 <b>Home PC</b> — online");
      expect(t.lastButtons(ada.id).map((b) => b.callback_data)).toEqual([
        `ds:${device!.id}`,
        `dev:rot:${device!.id}`,
        `dev:del:${device!.id}`,
        "dev:add",
      ]);
    });

    it("rotate asks first; Yes shows a new secret once, the old one is gone, and the question keeps no buttons", async () => {
      const ada = person();
      const device = await registered(ada, "VPS");
      await t.send(updates.callback(ada, `dev:rot:${device.id}`));
      expect(t.lastText(ada.id)).toBe(
        "Give <b>VPS</b> a new secret? The current one stops working at once: the EA on it stays offline until you enter the new one.",
      );
      expect(t.lastButtons(ada.id).map((b) => b.callback_data)).toEqual([
        `dev:rot!:${device.id}`,
        "dev:list",
      ]);

      await t.press(ada, "🔑 Yes, new secret");
      const question = t.callsTo(ada.id, "editMessageText").at(-1)!;
      expect(question.params.text).toBe("🔑 <b>VPS</b> has a new secret: it is in the next message.");
      expect(t.buttonsOf(question)).toEqual([]);
      const secretMessage = t.callsTo(ada.id, "sendMessage").at(-1)!;
      expect(secretMessage.params).toMatchObject({ protect_content: true });
      expect(String(secretMessage.params.text)).toContain(secretOf(device.id, 2));
      expect(texts(ada).join("\n")).not.toContain(secretOf(device.id, 1));
    });

    it("no secret changes before Yes; Yes tapped twice rotates once, so the secret shown still works", async () => {
      const ada = person();
      const device = await registered(ada, "VPS");
      await t.send(updates.callback(ada, `dev:rot:${device.id}`, 501));
      expect(texts(ada).join("\n")).not.toContain(secretOf(device.id, 2));
      await t.send(updates.callback(ada, `dev:rot!:${device.id}`, 501));
      await t.send(updates.callback(ada, `dev:rot!:${device.id}`, 501));
      const secrets = t.callsTo(ada.id, "sendMessage").filter((c) => c.params.protect_content);
      expect(secrets).toHaveLength(1);
      expect(String(secrets[0]!.params.text)).toContain(secretOf(device.id, 2));
      expect(texts(ada).join("\n")).not.toContain(secretOf(device.id, 3));
      expect(t.callbackAnswers().at(-1)).toBe("Already done.");
    });

    it("remove asks first; No brings the list back unchanged, Yes revokes the device once", async () => {
      const ada = person();
      const device = await registered(ada, "VPS");
      await t.send(updates.callback(ada, `dev:del:${device.id}`, 502));
      expect(t.lastText(ada.id)).toBe(
        "Remove <b>VPS</b>? Its secret stops working at once and it receives no more signals.",
      );
      await t.press(ada, "✖️ No, keep it");
      expect(t.lastText(ada.id)).toContain("<b>VPS</b>");
      expect(t.lastButtons(ada.id).map((b) => b.callback_data)).toContain(`dev:del:${device.id}`);
      expect((await devicesOf(ada))[0]!.revokedAt).toBeNull();

      await t.send(updates.callback(ada, `dev:del!:${device.id}`, 502));
      await t.send(updates.callback(ada, `dev:del!:${device.id}`, 502));
      expect((await devicesOf(ada))[0]!.revokedAt).not.toBeNull();
      const done = t.callsTo(ada.id, "editMessageText").at(-1)!;
      expect(done.params.text).toBe("🗑 <b>VPS</b> was removed; its secret no longer works.");
      expect(t.buttonsOf(done)).toEqual([]);
      expect(t.callbackAnswers().slice(-2)).toEqual(["Device removed", "Already done."]);
    });

    it("the question is kept in the database, so the answer works on any instance", async () => {
      const ada = person();
      await t.send(updates.callback(ada, "dev:add"));
      const rows = await t.ctx().deps.db.select().from(telegramConversations);
      expect(rows).toEqual([expect.objectContaining({ telegramUserId: ada.id, kind: "device_name" })]);
    });
  });

  describe("errors", () => {
    it("a taken name is refused and the bot asks again", async () => {
      const ada = person();
      await t.ctx().deps.catalog.seedDefaultCatalog();
      const user = await t.userOf(ada);
      const vip = (await t.tiers()).vip;
      await t.ctx().deps.entitlements.adminGrant({ id: user.id }, user.id, vip.id, 30);
      await addDevice(ada, "VPS");
      await addDevice(ada, "VPS");
      const texts = t.callsTo(ada.id, "sendMessage").map((c) => String(c.params.text));
      expect(texts.at(-2)).toContain("Send me a name");
      expect(texts.at(-1)).toContain("already have a device with that name");
      await t.send(updates.message(ada, "VPS 2"));
      expect((await devicesOf(ada)).map((d) => d.name).sort()).toEqual(["VPS", "VPS 2"]);
    });

    it("a device beyond the plan's limit is refused with a pointer to /shop", async () => {
      const ada = person();
      await addDevice(ada, "One");
      await addDevice(ada, "Two");
      expect(t.lastText(ada.id)).toContain("as many devices as your plan allows");
      expect(await devicesOf(ada)).toHaveLength(1);
    });

    it("a command abandons the question; an expired question is no question", async () => {
      const ada = person();
      await t.send(updates.callback(ada, "dev:add"));
      await t.send(updates.message(ada, "/help"));
      await t.send(updates.message(ada, "Not a name"));
      expect(t.lastText(ada.id)).toContain("I did not understand that");
      await t.send(updates.callback(ada, "dev:add"));
      t.ctx().clock.advance(11 * 60_000);
      await t.send(updates.message(ada, "Too late"));
      expect(await devicesOf(ada)).toHaveLength(0);
    });
  });

  describe("security", () => {
    it("someone else's device cannot be rotated or removed", async () => {
      const ada = person();
      const mallory = person();
      await addDevice(ada, "VPS");
      const [device] = await devicesOf(ada);
      for (const data of ["rot", "del", "rot!", "del!"])
        await t.send(updates.callback(mallory, `dev:${data}:${device!.id}`));
      expect(t.callbackAnswers().slice(-4)).toEqual(
        Array(4).fill(expect.stringContaining("does not exist (or is not yours)")),
      );
      const [after] = await devicesOf(ada);
      expect(after!.revokedAt).toBeNull();
      expect(t.callsTo(mallory.id, "sendMessage")).toHaveLength(0);
    });
  });
});
