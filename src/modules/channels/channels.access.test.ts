import { describe, expect, it } from "vitest";
import { TRADERS_GROUP, useChannelsApp, VIP_ROOM } from "../../../test/support/channels";
import { admin, chatUpdates, person } from "../../../test/support/factories";

describe("channel access through the bot", () => {
  const t = useChannelsApp();

  describe("join requests", () => {
    it("approves a join request from a subscriber whose tier reaches the channel's minimum, and welcomes them", async () => {
      await t.link(VIP_ROOM, "vip");
      const { p } = await t.subscriber("vip");
      await t.askToJoin(VIP_ROOM, p);
      expect(t.callsFor("approveChatJoinRequest", p)).toHaveLength(1);
      expect(t.callsFor("declineChatJoinRequest", p)).toHaveLength(0);
      expect(t.api.statusIn(VIP_ROOM.id, p.id)).toBe("member");
      expect((await t.memberRow(VIP_ROOM, p))?.status).toBe("member");
      expect(t.lastText(p.id)).toContain("You are in <b>VIP Room</b>");
    });

    it("declines a join request from a subscriber below the minimum tier and says which plan opens it", async () => {
      await t.link(VIP_ROOM, "vip");
      const { p } = await t.subscriber("premium");
      await t.askToJoin(VIP_ROOM, p);
      expect(t.callsFor("declineChatJoinRequest", p)).toHaveLength(1);
      expect(t.callsFor("approveChatJoinRequest", p)).toHaveLength(0);
      expect(t.api.statusIn(VIP_ROOM.id, p.id)).toBe("left");
      expect(t.lastText(p.id)).toContain("for VIP subscribers and above");
      expect(t.lastButtons(p.id).map((b) => b.callback_data)).toContain("menu:shop");
    });

    it("declines someone who never bought anything", async () => {
      await t.link(VIP_ROOM, "premium");
      const stranger = person();
      await t.askToJoin(VIP_ROOM, stranger);
      expect(t.callsFor("declineChatJoinRequest", stranger)).toHaveLength(1);
    });

    it("leaves join requests to chats it does not manage alone", async () => {
      t.api.addChat(VIP_ROOM.id, { title: VIP_ROOM.title });
      const { p } = await t.subscriber("enterprise");
      await t.askToJoin(VIP_ROOM, p);
      expect(t.api.callsOf("approveChatJoinRequest")).toHaveLength(0);
      expect(t.api.callsOf("declineChatJoinRequest")).toHaveLength(0);
    });
  });

  describe("removals", () => {
    it("removes a member within 10 s of a refund: ban, then unban so they can come back after paying", async () => {
      await t.link(VIP_ROOM, "vip");
      const { p, userId } = await t.subscriber("free");
      const { vip } = await t.tiers();
      const order = await t.deps().orders.create({ id: userId, region: "GB" }, { tierId: vip.id, months: 1 });
      const root = await t.root();
      await t.deps().orders.markPaidManually({ id: root.id }, order.id, "bank-1");
      await t.askToJoin(VIP_ROOM, p);
      expect(t.api.statusIn(VIP_ROOM.id, p.id)).toBe("member");

      const refundedAt = t.ctx().clock.now().getTime();
      await t
        .deps()
        .orders.markOrderRefunded({ orderId: order.id, provider: "manual", reference: "r-1", actor: root });
      await t.deps().events.settled();
      // The clock has not moved: the removal ran from the refund's own reaction, not a later tick.
      expect(t.ctx().clock.now().getTime() - refundedAt).toBeLessThanOrEqual(10_000);
      const ban = t.callsFor("banChatMember", p);
      const unban = t.callsFor("unbanChatMember", p);
      expect(ban).toHaveLength(1);
      expect(unban).toHaveLength(1);
      expect(unban[0]!.params.only_if_banned).toBe(true);
      expect(ban[0]!.at).toBeLessThanOrEqual(unban[0]!.at);
      expect(t.api.statusIn(VIP_ROOM.id, p.id)).toBe("left");
      expect((await t.memberRow(VIP_ROOM, p))?.status).toBe("removed");
    });

    it("a personal link made while the join request was being approved does not undo the membership", async () => {
      const channel = await t.link(VIP_ROOM, "vip");
      const { p, userId } = await t.subscriber("vip");
      await t.askToJoin(VIP_ROOM, p);
      // The after-payment message's link, finishing after the approval (a race seen under load).
      const { channelsRepository } = await import("./channels.repository");
      await channelsRepository(t.deps().db).saveInvite(
        channel.id,
        p.id,
        "https://t.me/+late",
        t.ctx().clock.now(),
      );
      expect(await t.memberRow(VIP_ROOM, p)).toMatchObject({
        status: "member",
        inviteLink: "https://t.me/+late",
      });
      const [period] = (await t.deps().entitlements.view(userId)).items;
      await t.deps().entitlements.adminRevoke({ id: (await t.root()).id }, period!.id);
      await t.deps().events.settled();
      expect(t.callsFor("banChatMember", p)).toHaveLength(1);
    });

    it("removes a member at once when an admin revokes their period", async () => {
      await t.link(VIP_ROOM, "premium");
      const { p, userId } = await t.subscriber("premium");
      await t.askToJoin(VIP_ROOM, p);
      const [period] = (await t.deps().entitlements.view(userId)).items;
      await t.deps().entitlements.adminRevoke({ id: (await t.root()).id }, period!.id);
      await t.deps().events.settled();
      expect(t.callsFor("banChatMember", p)).toHaveLength(1);
      expect(t.api.statusIn(VIP_ROOM.id, p.id)).toBe("left");
    });

    it("removes members whose plan expired on the next sweep, and keeps those who still qualify", async () => {
      await t.link(VIP_ROOM, "vip");
      const lapsing = await t.subscriber("vip", 30);
      const staying = await t.subscriber("vip", 90);
      const higher = await t.subscriber("enterprise", 60);
      for (const s of [lapsing, staying, higher]) await t.askToJoin(VIP_ROOM, s.p);

      t.ctx().clock.advance(29 * t.DAY_MS);
      await t.deps().channels.jobs.runNow("access");
      expect(t.api.callsOf("banChatMember")).toHaveLength(0);

      t.ctx().clock.advance(t.DAY_MS + 1_000);
      await t.deps().channels.jobs.runNow("access");
      expect(t.api.callsOf("banChatMember").map((c) => Number(c.params.user_id))).toEqual([lapsing.p.id]);
      expect(t.api.statusIn(VIP_ROOM.id, lapsing.p.id)).toBe("left");
      expect(t.api.statusIn(VIP_ROOM.id, staying.p.id)).toBe("member");
      expect(t.api.statusIn(VIP_ROOM.id, higher.p.id)).toBe("member");
    });

    it("never removes the operator (ADMIN_TELEGRAM_IDS), who joins without a plan", async () => {
      await t.link(VIP_ROOM, "vip");
      const boss = admin();
      await t.askToJoin(VIP_ROOM, boss);
      expect(t.callsFor("approveChatJoinRequest", boss)).toHaveLength(1);
      t.ctx().clock.advance(400 * t.DAY_MS);
      await t.deps().channels.jobs.runNow("access");
      expect(t.callsFor("banChatMember", boss)).toHaveLength(0);
    });

    it("a member marked for removal who pays again before the ban is not removed", async () => {
      await t.link(VIP_ROOM, "premium");
      const { p, userId } = await t.subscriber("premium", 1);
      await t.askToJoin(VIP_ROOM, p);
      t.ctx().clock.advance(2 * t.DAY_MS);
      expect(await t.deps().channels.access.sweep()).toBe(1);
      expect((await t.memberRow(VIP_ROOM, p))?.status).toBe("removing");
      const { premium } = await t.tiers();
      // Granted straight in the table's terms, as a payment landing between the sweep and the ban.
      await t.deps().entitlements.adminGrant({ id: (await t.root()).id }, userId, premium.id, 30);
      await t.deps().events.settled();
      await t.deps().channels.access.processRemovals();
      expect(t.callsFor("banChatMember", p)).toHaveLength(0);
      expect((await t.memberRow(VIP_ROOM, p))?.status).toBe("member");
    });

    it("a member who pays again after removal is approved again (the unban let them back)", async () => {
      await t.link(VIP_ROOM, "premium");
      const { p, userId } = await t.subscriber("premium", 1);
      await t.askToJoin(VIP_ROOM, p);
      t.ctx().clock.advance(2 * t.DAY_MS);
      await t.deps().channels.jobs.runNow("access");
      expect(t.api.statusIn(VIP_ROOM.id, p.id)).toBe("left");
      const { premium } = await t.tiers();
      await t.deps().entitlements.adminGrant({ id: (await t.root()).id }, userId, premium.id, 30);
      await t.askToJoin(VIP_ROOM, p);
      expect(t.api.statusIn(VIP_ROOM.id, p.id)).toBe("member");
    });
  });

  describe("reconcile", () => {
    it("finds a lapsed buyer admitted by hand and removes them; records members who left", async () => {
      await t.link(VIP_ROOM, "premium");
      const lapsed = await t.subscriber("premium", 1);
      const leaver = await t.subscriber("premium", 30);
      await t.askToJoin(VIP_ROOM, leaver.p);
      t.ctx().clock.advance(2 * t.DAY_MS);
      t.api.addMember(VIP_ROOM.id, lapsed.p);
      t.api.chats.get(VIP_ROOM.id)!.members.delete(leaver.p.id);

      await t.deps().channels.jobs.runNow("reconcile");
      await t.deps().channels.jobs.runNow("access");
      expect(t.callsFor("banChatMember", lapsed.p)).toHaveLength(1);
      expect(t.api.statusIn(VIP_ROOM.id, lapsed.p.id)).toBe("left");
      expect((await t.memberRow(VIP_ROOM, leaver.p))?.status).toBe("left");
      expect(t.callsFor("banChatMember", leaver.p)).toHaveLength(0);
    });

    it("reactivates a channel once the bot is an administrator again, and tells the admins", async () => {
      const channel = await t.link(VIP_ROOM, "vip");
      t.api.setBotRights(VIP_ROOM.id, { can_restrict_members: false });
      await t.deps().channels.jobs.runNow("reconcile");
      expect((await t.deps().channels.service.byId(channel.id))?.active).toBe(false);
      t.api.setBotRights(VIP_ROOM.id, {});
      await t.deps().channels.jobs.runNow("reconcile");
      await t.settle();
      expect((await t.deps().channels.service.byId(channel.id))?.active).toBe(true);
      expect(t.lastText(admin().id)).toContain("My admin rights in <b>VIP Room</b> are back");
    });
  });

  describe("the bot losing its admin rights", () => {
    it("marks the channel inactive, tells the admins, and admits nobody until the rights are back", async () => {
      const channel = await t.link(VIP_ROOM, "vip");
      const demoted = t.api.setBotRights(VIP_ROOM.id, null);
      const res = await t.send(
        chatUpdates.myChatMember(VIP_ROOM, admin(), { status: "administrator" }, { ...demoted }),
      );
      expect(res.statusCode).toBe(200);
      await t.settle();
      const row = await t.deps().channels.service.byId(channel.id);
      expect(row?.active).toBe(false);
      expect(row?.inactiveReason).toContain("administrator");
      expect(t.lastText(admin().id)).toContain("I lost my admin rights in <b>VIP Room</b>");

      const { p } = await t.subscriber("vip");
      await t.askToJoin(VIP_ROOM, p);
      expect(t.api.callsOf("approveChatJoinRequest")).toHaveLength(0);
    });
  });

  describe("rate limits", () => {
    it("honours retry_after through a 429 storm and still removes everyone", async () => {
      await t.link(VIP_ROOM, "premium");
      const members = [];
      for (let i = 0; i < 6; i++) members.push(await t.subscriber("premium", 1));
      for (const m of members) await t.askToJoin(VIP_ROOM, m.p);
      t.api.failNext("banChatMember", 429, "Too Many Requests: retry after 1", { retry_after: 1 });
      t.api.failNext("banChatMember", 429, "Too Many Requests: retry after 1", { retry_after: 1 });
      t.ctx().clock.advance(2 * t.DAY_MS);
      await t.deps().channels.jobs.runNow("access");

      const bans = t.api.callsOf("banChatMember");
      expect(bans).toHaveLength(members.length + 2);
      // Nothing went out during a pause: each retry came at least retry_after later.
      expect(bans[1]!.at - bans[0]!.at).toBeGreaterThanOrEqual(950);
      expect(bans[2]!.at - bans[1]!.at).toBeGreaterThanOrEqual(950);
      for (const m of members) expect(t.api.statusIn(VIP_ROOM.id, m.p.id)).toBe("left");
    });

    it("paces removals under the fake's flood limit without losing any", async () => {
      await t.link(VIP_ROOM, "premium");
      const members = [];
      for (let i = 0; i < 8; i++) members.push(await t.subscriber("premium", 1));
      for (const m of members) await t.askToJoin(VIP_ROOM, m.p);
      t.api.limitPerSecond = 6;
      t.ctx().clock.advance(2 * t.DAY_MS);
      await t.deps().channels.jobs.runNow("access");
      expect(t.api.rateLimited).toBeGreaterThan(0);
      for (const m of members) expect(t.api.statusIn(VIP_ROOM.id, m.p.id)).toBe("left");
    });
  });

  describe("a group chat", () => {
    it("an admin adds the bot to a group, picks the tier with a button, and members are admitted by it", async () => {
      t.api.addChat(TRADERS_GROUP.id, { type: "supergroup", title: TRADERS_GROUP.title });
      const boss = admin();
      await t.send(
        chatUpdates.myChatMember(
          TRADERS_GROUP,
          boss,
          { status: "left" },
          { ...t.api.setBotRights(TRADERS_GROUP.id, {}) },
        ),
      );
      await t.settle();
      expect(t.lastText(boss.id)).toContain("Link <b>Traders Group</b>?");
      const buttons = t.lastButtons(boss.id).map((b) => b.callback_data);
      expect(buttons).toEqual([
        `chan:link:${TRADERS_GROUP.id}:premium`,
        `chan:link:${TRADERS_GROUP.id}:vip`,
        `chan:link:${TRADERS_GROUP.id}:enterprise`,
      ]);
      await t.send({ ...updatesCallback(boss, `chan:link:${TRADERS_GROUP.id}:premium`) });
      const channel = await t.deps().channels.service.byChatId(TRADERS_GROUP.id);
      expect(channel).toMatchObject({
        type: "supergroup",
        minTier: "premium",
        title: "Traders Group",
        active: true,
      });

      const { p } = await t.subscriber("premium");
      await t.askToJoin(TRADERS_GROUP, p);
      expect(t.api.statusIn(TRADERS_GROUP.id, p.id)).toBe("member");
      const joinedByHand = await t.subscriber("free");
      t.api.addMember(TRADERS_GROUP.id, joinedByHand.p);
      await t.send(chatUpdates.chatMember(TRADERS_GROUP, boss, joinedByHand.p, "left", "member"));
      await t.settle();
      expect(t.callsFor("banChatMember", joinedByHand.p)).toHaveLength(1);
    });

    it("an admin forwards a message from a channel and gets the tier buttons; what the bot lacks is named", async () => {
      const boss = admin();
      t.api.addChat(VIP_ROOM.id, { title: VIP_ROOM.title, rights: { can_invite_users: false } });
      await t.send(chatUpdates.forwardedFrom(boss, VIP_ROOM));
      await t.settle();
      expect(t.lastText(boss.id)).toContain("make me an administrator with can_invite_users");
      t.api.setBotRights(VIP_ROOM.id, {});
      await t.send(chatUpdates.forwardedFrom(boss, VIP_ROOM));
      await t.settle();
      expect(t.lastButtons(boss.id).map((b) => b.callback_data)).toContain(`chan:link:${VIP_ROOM.id}:vip`);
      const stranger = person();
      await t.send(chatUpdates.forwardedFrom(stranger, VIP_ROOM));
      await t.settle();
      expect(t.lastText(stranger.id)).not.toContain("Link");
    });
  });

  describe("links for subscribers", () => {
    it("/channels and /status give a qualifying subscriber a personal join-request link", async () => {
      await t.link(VIP_ROOM, "vip");
      await t.link(TRADERS_GROUP, "enterprise");
      const { p } = await t.subscriber("vip");
      await t.send(updatesMessage(p, "/channels"));
      expect(t.lastText(p.id)).toContain("<b>VIP Room</b>: tap the button");
      expect(t.lastText(p.id)).toContain("<b>Traders Group</b>: needs Enterprise or higher");
      const links = t.api.callsOf("createChatInviteLink");
      expect(links).toHaveLength(1);
      expect(links[0]!.params).toMatchObject({ chat_id: VIP_ROOM.id, creates_join_request: true });
      const join = t.lastButtons(p.id).find((b) => b.url);
      expect(join?.url).toBe(t.api.chats.get(VIP_ROOM.id)!.links[0]);

      await t.send(updatesMessage(p, "/status"));
      expect(t.lastText(p.id)).toContain("<b>Channels</b>");
      expect(t.lastButtons(p.id).find((b) => b.url)?.url).toBe(join?.url);
      // The link is made once and kept.
      expect(t.api.callsOf("createChatInviteLink")).toHaveLength(1);
    });
  });
});

import { updates } from "../../../test/support/factories";

const updatesMessage = updates.message;
const updatesCallback = updates.callback;
