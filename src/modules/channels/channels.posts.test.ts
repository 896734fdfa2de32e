import { describe, expect, it } from "vitest";
import { TRADERS_GROUP, useChannelsApp, VIP_ROOM } from "../../../test/support/channels";

interface PublishBody {
  externalId: null;
  instrument: string;
  side: "buy" | "sell";
  orderType: "market" | "limit" | "stop";
  entryPrice: number | null;
  stopLoss: number;
  takeProfit: number;
  volume: null;
  ttlSeconds: number;
  minTier: "premium" | "vip" | "enterprise";
  note: string | null;
}
const EURUSD: PublishBody = {
  externalId: null,
  instrument: "EURUSD",
  side: "buy",
  orderType: "limit",
  entryPrice: 1.085,
  stopLoss: 1.08,
  takeProfit: 1.1,
  volume: null,
  ttlSeconds: 300,
  minTier: "premium",
  note: "NFP week <careful>",
};
const noUpdate = { stopLoss: null, takeProfit: null, fraction: null, externalId: null, note: null };

describe("signal posts in channels", () => {
  const t = useChannelsApp();
  const publish = async (body: Partial<PublishBody> = {}) => {
    const root = await t.root();
    const { signal } = await t
      .deps()
      .signals.publish({ kind: "admin", userId: root.id }, { ...EURUSD, ...body });
    await t.settle();
    return { signal, actor: { kind: "admin" as const, userId: root.id } };
  };
  const messagesIn = (chatId: number) => [...t.api.chats.get(chatId)!.messages.entries()];

  it("posts a formatted signal in every channel whose minimum tier is at least the signal's", async () => {
    await t.link(VIP_ROOM, "vip", { postSignals: true });
    await t.link(TRADERS_GROUP, "premium", { postSignals: true });
    await publish();
    const post = messagesIn(VIP_ROOM.id)[0]![1];
    expect(post.text).toBe(
      "🟢 <b>EURUSD</b> BUY LIMIT\nEntry: 1.085\nSL: 1.08\nTP: 1.1\nNote: NFP week &lt;careful&gt;",
    );
    expect(messagesIn(TRADERS_GROUP.id)).toHaveLength(1);

    await publish({
      minTier: "vip",
      instrument: "XAUUSD",
      side: "sell",
      orderType: "market",
      entryPrice: null,
      stopLoss: 2400,
      takeProfit: 2300,
      note: null,
    });
    expect(messagesIn(VIP_ROOM.id)).toHaveLength(2);
    expect(messagesIn(VIP_ROOM.id)[1]![1].text).toBe(
      "🔴 <b>XAUUSD</b> SELL\nEntry: market\nSL: 2400\nTP: 2300",
    );
    // A VIP signal is not for a Premium chat.
    expect(messagesIn(TRADERS_GROUP.id)).toHaveLength(1);
  });

  it("posts nowhere without postSignals, or in an inactive channel", async () => {
    await t.link(VIP_ROOM, "vip");
    const group = await t.link(TRADERS_GROUP, "vip", { postSignals: true });
    await t.deps().channels.service.botStatusChanged(TRADERS_GROUP.id, { status: "member" });
    expect((await t.deps().channels.service.byId(group.id))?.active).toBe(false);
    await publish();
    expect(messagesIn(VIP_ROOM.id)).toHaveLength(0);
    expect(messagesIn(TRADERS_GROUP.id)).toHaveLength(0);
  });

  it("posts each update as a reply to the signal's post, and edits the post with the outcome on close", async () => {
    await t.link(VIP_ROOM, "vip", { postSignals: true });
    const { signal, actor } = await publish();
    const entryId = messagesIn(VIP_ROOM.id)[0]![0];

    await t.deps().positions.update(actor, signal.id, { ...noUpdate, action: "modify", stopLoss: 1.085 });
    await t.settle();
    await t
      .deps()
      .positions.update(actor, signal.id, { ...noUpdate, action: "close_partial", fraction: 0.5 });
    await t.settle();
    await t.deps().positions.update(actor, signal.id, { ...noUpdate, action: "close", note: "target hit" });
    await t.settle();

    const replies = messagesIn(VIP_ROOM.id)
      .slice(1)
      .map(([, m]) => m);
    expect(replies.map((m) => m.text)).toEqual([
      "🔧 SL moved to 1.085 (breakeven)",
      "✂️ 50% of the position closed",
      "🏁 Position closed\nNote: target hit",
    ]);
    expect(replies.every((m) => m.replyTo === entryId)).toBe(true);
    const sends = t.api.callsOf("sendMessage").filter((c) => Number(c.params.chat_id) === VIP_ROOM.id);
    expect(sends[1]!.params.reply_parameters).toEqual({
      message_id: entryId,
      allow_sending_without_reply: true,
    });

    const edited = t.api.chats.get(VIP_ROOM.id)!.messages.get(entryId)!;
    expect(edited.edits).toBe(1);
    expect(edited.text).toContain("🟢 <b>EURUSD</b> BUY LIMIT\nEntry: 1.085\nSL: 1.085\nTP: 1.1");
    expect(edited.text).toContain("• 🔧 SL moved to 1.085 (breakeven)\n• ✂️ 50% of the position closed");
    expect(edited.text).toMatch(/🏁 <b>Closed<\/b> \d{4}-\d\d-\d\d \d\d:\d\d UTC — target hit$/);
  });

  it("stores the channel's message id of each post", async () => {
    await t.link(VIP_ROOM, "vip", { postSignals: true });
    const { signal } = await publish();
    const rows = await t
      .ctx()
      .database.query<{ message_id: string; status: string; kind: string }>(
        `select message_id, status, kind from channel_posts where signal_id = '${signal.id}'`,
      );
    const entryId = messagesIn(VIP_ROOM.id)[0]![0];
    expect(rows).toEqual([{ message_id: expect.anything(), status: "sent", kind: "entry" }]);
    expect(Number(rows[0]!.message_id)).toBe(entryId);
  });

  it("a post that meets a 429 waits retry_after and is posted once", async () => {
    await t.link(VIP_ROOM, "vip", { postSignals: true });
    t.api.failNext("sendMessage", 429, "Too Many Requests: retry after 1", { retry_after: 1 });
    await publish();
    const sends = t.api.callsOf("sendMessage").filter((c) => Number(c.params.chat_id) === VIP_ROOM.id);
    expect(sends).toHaveLength(2);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(950);
    expect(messagesIn(VIP_ROOM.id)).toHaveLength(1);
  });
});
