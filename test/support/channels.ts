import { expect } from "vitest";
import type { ChannelTier } from "../../src/modules/channels/channels.table";
import { DAY_MS } from "../../src/modules/entitlements/entitlements.models";
import { admin, type ChatRef, chatUpdates, type Person, person } from "./factories";
import { useTelegramApp } from "./telegram";

export const VIP_ROOM: ChatRef = { id: -1001000000001, type: "channel", title: "VIP Room" };
export const TRADERS_GROUP: ChatRef = { id: -1001000000002, type: "supergroup", title: "Traders Group" };

/** The bot app with helpers for linked chats and subscribers of a level. */
export function useChannelsApp() {
  const t = useTelegramApp();
  const deps = () => t.ctx().deps;

  async function root() {
    return t.userOf(admin());
  }
  async function link(chat: ChatRef, minTier: ChannelTier, opts: { postSignals?: boolean } = {}) {
    if (!t.api.chats.has(chat.id)) t.api.addChat(chat.id, { type: chat.type, title: chat.title });
    return deps().channels.service.link(
      { id: (await root()).id },
      { chatId: chat.id, minTier, postSignals: opts.postSignals ?? false },
    );
  }
  /** A person holding `level` for `days` days from now (admin grant), or nothing for "free". */
  async function subscriber(level: ChannelTier | "free", days = 30): Promise<{ p: Person; userId: string }> {
    const p = person();
    const user = await t.userOf(p);
    if (level !== "free") {
      const tier = (await t.tiers())[level];
      await deps().entitlements.adminGrant({ id: (await root()).id }, user.id, tier.id, days);
    }
    return { p, userId: user.id };
  }
  /** Every reaction finished, every queued message and channel job done. */
  async function settle() {
    await deps().events.settled();
    await t.telegram().flushNotifications();
    await t.telegram().sender.drain();
  }
  /** A person asks to join through their link, as Telegram delivers it. */
  async function askToJoin(chat: ChatRef, p: Person) {
    t.api.requestJoin(chat.id, p.id);
    const res = await t.send(chatUpdates.joinRequest(chat, p));
    expect(res.statusCode).toBe(200);
    await settle();
  }
  const memberRow = async (chat: ChatRef, p: Person) => {
    const channel = await deps().channels.service.byChatId(chat.id);
    const { channelsRepository } = await import("../../src/modules/channels/channels.repository");
    return channelsRepository(deps().db).member(channel!.id, p.id);
  };
  const callsFor = (method: string, p: Person) =>
    t.api.callsOf(method).filter((c) => Number(c.params.user_id) === p.id);

  return { ...t, deps, root, link, subscriber, settle, askToJoin, memberRow, callsFor, DAY_MS };
}
