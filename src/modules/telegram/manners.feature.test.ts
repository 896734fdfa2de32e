import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { BOT_USERNAME } from "../../../test/support/config";
import { admin, GROUP, person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { devices } from "../devices/devices.table";
import { users } from "../users/users.table";

describe("bot manners", () => {
  const t = useTelegramApp();
  const inGroup = () => t.api.calls.filter((c) => Number(c.params.chat_id) === GROUP.id);

  describe("in a group", () => {
    it("personal commands answer with a pointer to the private chat, never the answer itself", async () => {
      await t.tiers();
      const people = [person(), person()];
      // Two people, so the per-person rate limit (a burst of 5) never drops a command.
      for (const [i, command] of [
        "/status",
        "/devices",
        "/affiliate",
        "/shop",
        "/signals",
        "/start",
      ].entries()) {
        await t.send(updates.groupMessage(people[i % 2]!, command));
      }
      const sent = inGroup().filter((c) => c.method === "sendMessage");
      expect(sent).toHaveLength(6);
      for (const call of sent) {
        expect(call.params.text).toBe("That is personal: I answer it in our private chat.");
        expect(t.buttonsOf(call)).toEqual([
          { text: "Open the private chat", url: `https://t.me/${BOT_USERNAME}` },
        ]);
      }
      for (const p of people) expect(t.callsTo(p.id)).toEqual([]);
    });

    it("Rotate pressed in a group posts no secret and rotates nothing; a Stars button sends no invoice", async () => {
      const ada = person();
      const user = await t.userOf(ada);
      const { device } = await t.ctx().deps.devices.register(user.id, "VPS");
      await t.send(updates.groupCallback(ada, `dev:rot:${device.id}`));
      await t.send(updates.groupCallback(ada, "pay:stars:ord_00000000000000000000000000"));
      expect(inGroup().filter((c) => c.method !== "answerCallbackQuery")).toEqual([]);
      expect(t.api.callsOf("sendInvoice")).toEqual([]);
      expect(t.callbackAnswers()).toEqual([
        "That is personal: I answer it in our private chat.",
        "That is personal: I answer it in our private chat.",
      ]);
      const [row] = await t.ctx().deps.db.select().from(devices).where(eq(devices.id, device.id));
      expect(row!.keyVersion).toBe(1);
    });

    it("answers /help and /record, ignores commands for other bots and unknown ones", async () => {
      const ada = person();
      await t.send(updates.groupMessage(ada, "/help@some_other_bot"));
      await t.send(updates.groupMessage(ada, "/frobnicate"));
      await t.send(updates.groupMessage(ada, "hello everyone"));
      expect(inGroup()).toEqual([]);
      await t.send(updates.groupMessage(ada, `/help@${BOT_USERNAME}`));
      expect(String(inGroup().at(-1)?.params.text)).toContain("<b>Commands</b>");
    });
  });

  describe("/cancel, /support, /terms", () => {
    it("/cancel drops the question the bot was waiting on; the next text is not taken as its answer", async () => {
      const ada = person();
      const user = await t.userOf(ada);
      await t.send(updates.callback(ada, "dev:add"));
      expect(t.lastText(ada.id)).toContain("Send me a name");
      await t.send(updates.message(ada, "/cancel"));
      expect(t.lastText(ada.id)).toBe(
        "Cancelled. I am no longer waiting for an answer. See /help for what to do next.",
      );
      await t.send(updates.message(ada, "London VPS"));
      expect(await t.ctx().deps.devices.list(user.id)).toEqual([]);
      expect(t.lastText(ada.id)).toContain("I did not understand that");
      await t.send(updates.message(ada, "/cancel"));
      expect(t.lastText(ada.id)).toBe("There is nothing to cancel: I was not waiting for an answer.");
    });

    it("/support and /terms exist, in the person's language", async () => {
      const ana = person({ language_code: "es" });
      await t.send(updates.message(ana, "/support"));
      expect(t.lastText(ana.id)).toContain("¿Necesitas ayuda");
      await t.send(updates.message(ana, "/terms"));
      expect(t.lastText(ana.id)).toContain("no asesoramiento financiero");
    });
  });

  describe("a person who blocked the bot", () => {
    const unreachableAt = async (telegramId: number) =>
      (await t.ctx().deps.db.select().from(users).where(eq(users.telegramId, telegramId)))[0]!.unreachableAt;

    it("is marked unreachable on Telegram's 403, skipped by broadcasts until they write again", async () => {
      const root = admin();
      const ada = person();
      const bob = person();
      for (const p of [root, ada, bob]) await t.userOf(p);
      t.api.blockedChats.add(ada.id);
      await t.telegram().broadcast("bcs_1", "First news");
      await t.telegram().sender.drain();
      expect(t.callsTo(ada.id, "sendMessage")).toHaveLength(1);
      expect(await unreachableAt(ada.id)).not.toBeNull();
      expect(t.lastText(bob.id)).toBe("First news");

      await t.telegram().broadcast("bcs_2", "Second news");
      await t.telegram().sender.drain();
      expect(t.callsTo(ada.id, "sendMessage")).toHaveLength(1);
      expect(t.lastText(bob.id)).toBe("Second news");

      // Ada unblocks the bot and writes: reachable again.
      t.api.blockedChats.delete(ada.id);
      await t.send(updates.message(ada, "/start"));
      expect(await unreachableAt(ada.id)).toBeNull();
      await t.telegram().broadcast("bcs_3", "Third news");
      await t.telegram().sender.drain();
      expect(t.lastText(ada.id)).toBe("Third news");
    });

    it("my_chat_member in the private chat: kicked marks unreachable, member marks reachable again", async () => {
      const ada = person();
      await t.userOf(ada);
      await t.send(updates.myChatMember(ada, "member", "kicked"));
      expect(await unreachableAt(ada.id)).not.toBeNull();
      const user = await t.userOf(ada);
      await t
        .telegram()
        .notifications.deviceOffline({ deviceId: "dev_x", userId: user.id, deviceName: "VPS", pending: 1 });
      await t.telegram().sender.drain();
      expect(t.callsTo(ada.id)).toEqual([]);
      await t.send(updates.myChatMember(ada, "kicked", "member"));
      expect(await unreachableAt(ada.id)).toBeNull();
    });
  });
});

describe("bot manners: configured /support and /terms", () => {
  const t = useTelegramApp({
    BOT_SUPPORT_TEXT: "Write to help@example.com <24h>",
    BOT_TERMS_TEXT: "Terms: example.com/terms",
  });

  it("say what the operator configured, escaped", async () => {
    const ada = person();
    await t.send(updates.message(ada, "/support"));
    expect(t.lastText(ada.id)).toBe("Write to help@example.com &lt;24h&gt;");
    await t.send(updates.message(ada, "/terms"));
    expect(t.lastText(ada.id)).toBe("Terms: example.com/terms");
  });
});
