import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { formatMoney } from "./telegram.format";
import {
  commandOf,
  looksLikeUpdate,
  orderKey,
  parseSignalCommand,
  referralCodeOf,
  retryBackoffMs,
  updateKind,
  updateSender,
} from "./telegram.models";

describe("telegram models", () => {
  it("one person's messages, buttons, join requests, pre-checkouts and payments share one order; a channel's posts keep theirs", () => {
    const from = { id: 42, is_bot: false, first_name: "Ada" };
    const kinds = [
      { message: { message_id: 1, date: 0, chat: { id: 42, type: "private" }, from, text: "/shop" } },
      { callback_query: { id: "c", from, chat_instance: "i", data: "shop:vip" } },
      {
        chat_join_request: {
          chat: { id: -100, type: "channel", title: "VIP" },
          from,
          user_chat_id: 42,
          date: 0,
        },
      },
      { pre_checkout_query: { id: "p", from, currency: "XTR", total_amount: 5, invoice_payload: "ord" } },
      {
        message: {
          message_id: 2,
          date: 0,
          chat: { id: 42, type: "private" },
          from,
          successful_payment: { currency: "XTR", total_amount: 5, invoice_payload: "ord" },
        },
      },
    ];
    for (const [i, body] of kinds.entries())
      expect(orderKey({ update_id: i, ...body } as unknown as Update)).toBe("user:42");
    const post = {
      update_id: 9,
      channel_post: { message_id: 3, date: 0, chat: { id: -100, type: "channel" } },
    };
    expect(orderKey(post as unknown as Update)).toBe("chat:-100");
    expect(orderKey({ update_id: 10 } as Update)).toBe("update:10");
  });

  it("a command is read without @botname, lower-cased; another bot's command is not ours", () => {
    expect(commandOf("/Shop", "my_bot")).toBe("shop");
    expect(commandOf("/shop@My_Bot extra", "my_bot")).toBe("shop");
    expect(commandOf("/shop@other_bot", "my_bot")).toBeUndefined();
    expect(commandOf("hello /shop", "my_bot")).toBeUndefined();
    expect(commandOf(undefined, "my_bot")).toBeUndefined();
  });

  it("a referral code comes only from /start ref_CODE", () => {
    expect(referralCodeOf("/start ref_ABC123")).toBe("ABC123");
    expect(referralCodeOf("/start@my_bot ref_x-y_z")).toBe("x-y_z");
    expect(referralCodeOf("/start")).toBeUndefined();
    expect(referralCodeOf("/start promo_ABC")).toBeUndefined();
    expect(referralCodeOf("/help ref_ABC")).toBeUndefined();
  });

  it("backoff doubles from one second and is capped at five minutes", () => {
    expect([1, 2, 3, 4].map(retryBackoffMs)).toEqual([1000, 2000, 4000, 8000]);
    expect(retryBackoffMs(30)).toBe(300_000);
  });

  it("an update needs a non-negative integer update_id", () => {
    expect(looksLikeUpdate({ update_id: 0 })).toBe(true);
    for (const body of [null, [], "x", {}, { update_id: "1" }, { update_id: 1.5 }, { update_id: -1 }]) {
      expect(looksLikeUpdate(body), JSON.stringify(body)).toBe(false);
    }
  });

  it("kind and sender are read from whichever field the update carries", () => {
    const from = { id: 7, is_bot: false, first_name: "A" };
    const callback = { update_id: 1, callback_query: { id: "q", from, chat_instance: "c" } } as Update;
    expect(updateKind(callback)).toBe("callback_query");
    expect(updateSender(callback)).toEqual({ id: 7, isBot: false });
    expect(updateSender({ update_id: 2, poll: { id: "p" } } as unknown as Update)).toBeUndefined();
  });

  it("a sender whose id is not an integer is no sender (it could not be stored or addressed)", () => {
    for (const id of [-6e-323, 1.5, "7", null, 2 ** 60]) {
      const update = { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 1 }, from: { id } } };
      expect(updateSender(update as unknown as Update), String(id)).toBeUndefined();
    }
  });

  it("/signal arguments become the publish body of the API", () => {
    expect(
      parseSignalCommand("eurusd BUY market sl=1.07 tp=1.09 ttl=300 vol=0.1 tier=vip note=Take it easy"),
    ).toEqual({
      instrument: "EURUSD",
      side: "buy",
      orderType: "market",
      stopLoss: 1.07,
      takeProfit: 1.09,
      ttlSeconds: 300,
      volume: 0.1,
      minTier: "vip",
      note: "Take it easy",
    });
    expect(parseSignalCommand("GBPUSD sell")).toEqual({
      instrument: "GBPUSD",
      side: "sell",
      orderType: "market",
    });
    expect(parseSignalCommand("X buy limit entry=abc").entryPrice).toBe("abc");
  });

  it("money reads as people write it", () => {
    expect(formatMoney(29902, "EUR")).toBe("€299.02");
    expect(formatMoney(-415, "GBP")).toBe("−£4.15");
    expect(formatMoney(5, "SGD")).toBe("S$0.05");
    expect(formatMoney(100, "JPY")).toBe("1.00 JPY");
    expect(formatMoney(6199, "XTR")).toBe("6199 ⭐");
  });
});
