import { describe, expect, it } from "vitest";
import { TRADERS_GROUP, useChannelsApp, VIP_ROOM } from "../../../test/support/channels";
import { admin, chatUpdates, type person, updates } from "../../../test/support/factories";

const EURUSD = {
  externalId: null,
  instrument: "EURUSD",
  side: "buy" as const,
  orderType: "market" as const,
  entryPrice: null,
  stopLoss: 1.08,
  takeProfit: 1.1,
  volume: null,
  ttlSeconds: 300,
  minTier: "premium" as const,
  note: null,
};

describe("channels in the bot", () => {
  const t = useChannelsApp();
  /** A person who chose a language with /language (their choice wins over Telegram's). */
  async function speaking(p: ReturnType<typeof person>, locale: "es" | "ru") {
    await t.send(updates.callback(p, `lang:${locale}`));
    return p;
  }

  it("a join request is answered in the asker's language, and /channels speaks it too", async () => {
    await t.link(VIP_ROOM, "vip");
    const approved = await t.subscriber("vip");
    await speaking(approved.p, "es");
    await t.askToJoin(VIP_ROOM, approved.p);
    expect(t.lastText(approved.p.id)).toBe("✅ Ya estás en <b>VIP Room</b>. ¡Bienvenido!");

    const declined = await t.subscriber("premium");
    await speaking(declined.p, "ru");
    await t.askToJoin(VIP_ROOM, declined.p);
    expect(t.lastText(declined.p.id)).toBe(
      "<b>VIP Room</b> — для подписчиков VIP и выше. Оформите тариф, и я вас впущу.",
    );
    expect(t.lastButtons(declined.p.id)).toEqual([{ text: "Тарифы", callback_data: "menu:shop" }]);

    await t.link(TRADERS_GROUP, "premium");
    await t.send(updates.message(declined.p, "/channels"));
    expect(t.lastText(declined.p.id)).toBe(
      [
        "<b>Каналы и группы</b>",
        "• <b>VIP Room</b>: нужен тариф VIP или выше",
        "• <b>Traders Group</b>: нажмите кнопку, чтобы подать заявку; я одобрю её сразу",
      ].join("\n"),
    );
    expect(t.lastButtons(declined.p.id)[0]!.text).toBe("Вступить в Traders Group");
  });

  it("an admin links a chat in their language; its posts are written in it, and the card changes it", async () => {
    const boss = await speaking(admin(), "es");
    t.api.addChat(VIP_ROOM.id, { title: VIP_ROOM.title });
    await t.send(chatUpdates.forwardedFrom(boss, VIP_ROOM));
    await t.settle();
    expect(t.lastText(boss.id)).toBe("¿Vincular <b>VIP Room</b>? Elige el plan mínimo que da acceso:");
    await t.send(updates.callback(boss, `chan:link:${VIP_ROOM.id}:premium`));
    const channel = (await t.deps().channels.service.byChatId(VIP_ROOM.id))!;
    expect(channel.locale).toBe("es");
    expect(t.lastText(boss.id)).toContain("Publicación de señales: activada, en 🇪🇸 Español");

    const root = await t.root();
    await t.deps().signals.publish({ kind: "admin", userId: root.id }, EURUSD);
    await t.settle();
    const posts = () => [...t.api.chats.get(VIP_ROOM.id)!.messages.values()].map((m) => m.text);
    expect(posts()).toEqual(["🟢 <b>EURUSD</b> BUY\nEntrada: a mercado\nSL: 1.08\nTP: 1.1"]);

    await t.send(updates.callback(boss, `chan:lang:${channel.id}`));
    const choices = t.callsTo(boss.id, "editMessageReplyMarkup").at(-1);
    expect(t.buttonsOf(choices).map((b) => b.callback_data)).toEqual([
      `chan:locale:${channel.id}:en`,
      `chan:locale:${channel.id}:es`,
      `chan:locale:${channel.id}:ru`,
      `chan:card:${channel.id}`,
    ]);
    await t.send(updates.callback(boss, `chan:locale:${channel.id}:ru`));
    expect(t.callbackAnswers().at(-1)).toBe("Publicaciones en 🇷🇺 Русский");
    expect(t.lastText(boss.id)).toContain("en 🇷🇺 Русский");
    await t.deps().signals.publish({ kind: "admin", userId: root.id }, { ...EURUSD, instrument: "GBPUSD" });
    await t.settle();
    expect(posts()[1]).toBe("🟢 <b>GBPUSD</b> BUY\nВход: по рынку\nSL: 1.08\nTP: 1.1");
  });

  it("admins hear about lost admin rights in their own language", async () => {
    const boss = await speaking(admin(), "ru");
    await t.link(VIP_ROOM, "vip");
    const demoted = t.api.setBotRights(VIP_ROOM.id, null);
    await t.send(chatUpdates.myChatMember(VIP_ROOM, boss, { status: "administrator" }, { ...demoted }));
    await t.settle();
    expect(t.lastText(boss.id)).toBe(
      "⚠️ Я потерял права администратора в <b>VIP Room</b> (не хватает: administrator). Там никого не принимаю и не удаляю, пока вы снова не сделаете меня администратором.",
    );
  });

  it("a buyer's join links after payment come in their language", async () => {
    await t.link(VIP_ROOM, "premium");
    const { p, userId } = await t.subscriber("free");
    await speaking(p, "es");
    const { premium } = await t.tiers();
    const order = await t
      .deps()
      .orders.create({ id: userId, region: "GB" }, { tierId: premium.id, months: 1 });
    await t.deps().orders.markPaidManually({ id: (await t.root()).id }, order.id, "bank-es");
    await t.settle();
    const links = t
      .callsTo(p.id, "sendMessage")
      .map((c) => String(c.params.text))
      .find((text) => text.startsWith("🔑"));
    expect(links).toBe(
      "🔑 <b>Tus canales</b>\n• <b>VIP Room</b>: pulsa el botón para pedir unirte; te apruebo al instante",
    );
  });

  describe("unlinking a chat", () => {
    /** A subscriber with their personal join link to the chat (made by /channels). */
    async function invited(level: "vip" | "premium") {
      const s = await t.subscriber(level);
      await t.deps().channels.service.forUser(s.userId, s.p.id);
      return s;
    }

    it("revokes every personal join link the bot made there; members stay, and the chat is no longer managed", async () => {
      const channel = await t.link(VIP_ROOM, "vip");
      const member = await invited("vip");
      await t.askToJoin(VIP_ROOM, member.p);
      const waiting = await invited("vip");
      const chat = t.api.chats.get(VIP_ROOM.id)!;
      expect(chat.links).toHaveLength(2);

      const boss = admin();
      await t.send(updates.callback(boss, `chan:unlink:${channel.id}`));
      expect(t.lastText(boss.id)).toBe(
        "Unlink <b>VIP Room</b>? I stop admitting, removing and posting there, and revoke the personal join links I made there. Current members stay: nobody is removed, now or later.",
      );
      expect(chat.revokedLinks.size).toBe(0);
      await t.press(boss, "Yes, unlink");
      expect([...chat.revokedLinks].sort()).toEqual([...chat.links].sort());
      const done = t.callsTo(boss.id, "editMessageText").at(-1)!;
      expect(done.params.text).toBe(
        "<b>VIP Room</b> is no longer linked. Join links revoked: 2. Its members stay; remove me from the chat if I should leave it too.",
      );
      expect(t.buttonsOf(done)).toEqual([]);

      // Nobody is removed, now or by a later sweep or reconcile; a join request is left to the chat's admins.
      t.ctx().clock.advance(60 * t.DAY_MS);
      await t.deps().channels.jobs.runNow("access");
      await t.deps().channels.jobs.runNow("reconcile");
      expect(t.api.statusIn(VIP_ROOM.id, member.p.id)).toBe("member");
      expect(t.api.callsOf("banChatMember")).toEqual([]);
      await t.askToJoin(VIP_ROOM, waiting.p);
      expect(t.callsFor("approveChatJoinRequest", waiting.p)).toEqual([]);
      expect(t.callsFor("declineChatJoinRequest", waiting.p)).toEqual([]);
    });

    it("an unlink from the API (the same service) revokes the links too, and the audit says how many", async () => {
      const channel = await t.link(VIP_ROOM, "premium");
      await invited("premium");
      const { auditLog } = await import("../audit/audit.table");
      await t.deps().channels.service.unlink({ id: (await t.root()).id }, channel.id);
      expect(t.api.chats.get(VIP_ROOM.id)!.revokedLinks.size).toBe(1);
      const audit = await t.deps().db.select().from(auditLog);
      expect(audit).toContainEqual(
        expect.objectContaining({
          action: "channels.unlinked",
          data: { chatId: VIP_ROOM.id, linksRevoked: 1, linksLeft: 0 },
        }),
      );
    });

    it("a link Telegram will not revoke (the bot lost its invite right) is named for the admin to revoke by hand", async () => {
      const channel = await t.link(VIP_ROOM, "vip");
      await invited("vip");
      t.api.setBotRights(VIP_ROOM.id, { can_invite_users: false });
      const boss = admin();
      await t.send(updates.callback(boss, `chan:unlink!:${channel.id}`));
      expect(t.lastText(boss.id)).toBe(
        [
          "<b>VIP Room</b> is no longer linked. Join links revoked: 0. Its members stay; remove me from the chat if I should leave it too.",
          "⚠️ Join links I could not revoke: 1. Revoke them in the chat's settings (Invite links).",
        ].join("\n"),
      );
      expect(await t.deps().channels.service.byId(channel.id)).toBeUndefined();
    });

    it("a link made while its chat is being unlinked is revoked at once, not handed out", async () => {
      const channel = await t.link(VIP_ROOM, "vip");
      const { p, userId } = await t.subscriber("vip");
      let unlinking: Promise<unknown> | undefined;
      t.api.beforeAnswer = async (method) => {
        if (method !== "createChatInviteLink" || unlinking) return;
        unlinking = t.deps().channels.service.unlink({ id: (await t.root()).id }, channel.id);
        await unlinking;
      };
      const items = await t.deps().channels.service.forUser(userId, p.id);
      expect(items).toEqual([expect.objectContaining({ access: "none", inviteLink: null })]);
      const chat = t.api.chats.get(VIP_ROOM.id)!;
      expect(chat.links).toHaveLength(1);
      expect([...chat.revokedLinks]).toEqual(chat.links);
    });
  });
});
