import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { TRADERS_GROUP, useChannelsApp, VIP_ROOM } from "../../../test/support/channels";
import { createUser } from "../../../test/support/factories";

describe("channels API (API.md §12)", () => {
  const t = useChannelsApp();
  const asAdmin = async () => (await createUser(t.deps(), { admin: true })).headers;
  const linkBody = { chatId: String(VIP_ROOM.id), minTier: "vip", postSignals: true };
  const post = async (payload: object, headers?: Record<string, string>) =>
    t.ctx().app.inject({
      method: "POST",
      url: "/api/v1/admin/channels",
      headers: headers ?? (await asAdmin()),
      payload,
    });

  describe("happy path", () => {
    it("an admin links a channel the bot administers; it is listed, changed and unlinked", async () => {
      t.api.addChat(VIP_ROOM.id, { title: "VIP Room" });
      const headers = await asAdmin();
      const res = await post(linkBody, headers);
      expect(res.statusCode).toBe(201);
      const channel = res.json();
      expect(channel).toEqual({
        id: expect.stringMatching(/^chn_/),
        chatId: String(VIP_ROOM.id),
        title: "VIP Room",
        type: "channel",
        minTier: "vip",
        postSignals: true,
        active: true,
        inactiveReason: null,
        createdAt: t.ctx().clock.now().toISOString(),
      });
      const bot = t.api.callsOf("getChatMember")[0]!.params;
      expect(Number(bot.user_id)).toBe(t.api.botId);

      const list = await t.ctx().app.inject({ method: "GET", url: "/api/v1/admin/channels", headers });
      expect(list.json().items).toEqual([{ ...channel, members: 0 }]);

      const patched = await t.ctx().app.inject({
        method: "PATCH",
        url: `/api/v1/admin/channels/${channel.id}`,
        headers,
        payload: { minTier: "enterprise" },
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({ minTier: "enterprise", postSignals: true });

      const gone = await t
        .ctx()
        .app.inject({ method: "DELETE", url: `/api/v1/admin/channels/${channel.id}`, headers });
      expect(gone.statusCode).toBe(204);
      const after = await t.ctx().app.inject({ method: "GET", url: "/api/v1/admin/channels", headers });
      expect(after.json().items).toEqual([]);
    });

    it("links a group; posting rights are not asked of a group", async () => {
      t.api.addChat(TRADERS_GROUP.id, { type: "supergroup", title: "Traders Group" });
      const res = await post({ chatId: String(TRADERS_GROUP.id), minTier: "premium", postSignals: false });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ type: "supergroup", postSignals: false });
    });

    it("GET /me/channels: a personal join-request link for a qualifying user, none for others", async () => {
      await t.link(VIP_ROOM, "vip");
      const vip = await t.subscriber("vip");
      const free = await t.subscriber("free");
      const tokenFor = async (userId: string) => ({
        authorization: `Bearer ${await t.deps().tokens.issue(userId)}`,
      });
      const mine = await t.ctx().app.inject({
        method: "GET",
        url: "/api/v1/me/channels",
        headers: await tokenFor(vip.userId),
      });
      expect(mine.statusCode).toBe(200);
      const [item] = mine.json().items;
      expect(item).toEqual({
        id: expect.stringMatching(/^chn_/),
        title: "VIP Room",
        minTier: "vip",
        access: "invited",
        inviteLink: t.api.chats.get(VIP_ROOM.id)!.links[0],
      });
      expect(t.api.callsOf("createChatInviteLink")[0]!.params.creates_join_request).toBe(true);
      const theirs = await t.ctx().app.inject({
        method: "GET",
        url: "/api/v1/me/channels",
        headers: await tokenFor(free.userId),
      });
      expect(theirs.json().items).toEqual([{ ...item, access: "none", inviteLink: null }]);

      await t.askToJoin(VIP_ROOM, vip.p);
      const member = await t.ctx().app.inject({
        method: "GET",
        url: "/api/v1/me/channels",
        headers: await tokenFor(vip.userId),
      });
      expect(member.json().items[0]).toMatchObject({ access: "member", inviteLink: null });
    });
  });

  describe("errors", () => {
    it("409 channels.bot_not_admin when the bot cannot ban there", async () => {
      t.api.addChat(VIP_ROOM.id, { rights: { can_restrict_members: false } });
      const res = await post(linkBody);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: "channels.bot_not_admin" });
      expect(res.json().detail).toContain("can_restrict_members");
    });

    it("409 channels.bot_not_admin when the bot is only a member, or not in the chat at all", async () => {
      t.api.addChat(VIP_ROOM.id, { rights: null });
      expect((await post(linkBody)).json().code).toBe("channels.bot_not_admin");
      const unknown = await post({ ...linkBody, chatId: "-1009999" });
      expect(unknown.statusCode).toBe(409);
      expect(unknown.json().code).toBe("channels.bot_not_admin");
    });

    it("409 channels.bot_not_admin when a channel does not let the bot post", async () => {
      t.api.addChat(VIP_ROOM.id, { rights: { can_post_messages: false } });
      expect((await post(linkBody)).json().code).toBe("channels.bot_not_admin");
    });

    it("409 when the chat is already linked; 404 for an unknown channel; 400 for a bad body", async () => {
      t.api.addChat(VIP_ROOM.id);
      const headers = await asAdmin();
      expect((await post(linkBody, headers)).statusCode).toBe(201);
      const again = await post(linkBody, headers);
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe("channels.already_linked");
      for (const method of ["PATCH", "DELETE"] as const) {
        const res = await t.ctx().app.inject({
          method,
          url: "/api/v1/admin/channels/chn_nope",
          headers,
          ...(method === "PATCH" ? { payload: { postSignals: false } } : {}),
        });
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe("channels.not_found");
      }
      const bad = await post({ chatId: "@vip", minTier: "gold", postSignals: "yes" }, headers);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().code).toBe("request.invalid");
    });
  });

  describe("security", () => {
    it("401 without a token, 403 for a subscriber", async () => {
      expect((await t.ctx().app.inject({ method: "GET", url: "/api/v1/admin/channels" })).statusCode).toBe(
        401,
      );
      const { headers } = await createUser(t.deps());
      expect((await post(linkBody, headers)).statusCode).toBe(403);
      expect((await t.ctx().app.inject({ method: "GET", url: "/api/v1/me/channels" })).statusCode).toBe(401);
    });
  });
});

describe("channels API with the bot off", () => {
  const ctx = useTestApp();
  it("503 channels.bot_off when linking, and an empty list for subscribers", async () => {
    const { headers } = await createUser(ctx().deps, { admin: true });
    const res = await ctx().app.inject({
      method: "POST",
      url: "/api/v1/admin/channels",
      headers,
      payload: { chatId: "-100123", minTier: "vip", postSignals: false },
    });
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("channels.bot_off");
    const mine = await ctx().app.inject({ method: "GET", url: "/api/v1/me/channels", headers });
    expect(mine.json()).toEqual({ items: [] });
  });
});
