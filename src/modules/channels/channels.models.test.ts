import { describe, expect, it } from "vitest";
import { catalogue as translator } from "../../../test/support/telegram";
import {
  isInChat,
  missingRights,
  outcomePostText,
  qualifies,
  signalGoesTo,
  signalPostText,
  tiersReceiving,
  updatePostText,
} from "./channels.models";

const en = translator("en");

describe("channel rules", () => {
  it("a person qualifies while their tier reaches the channel's minimum", () => {
    expect(qualifies("vip", "vip")).toBe(true);
    expect(qualifies("enterprise", "vip")).toBe(true);
    expect(qualifies("premium", "vip")).toBe(false);
    expect(qualifies("free", "premium")).toBe(false);
  });

  it("a signal goes to channels whose minimum tier is at least its own", () => {
    expect(signalGoesTo("premium", "vip")).toBe(true);
    expect(signalGoesTo("vip", "vip")).toBe(true);
    expect(signalGoesTo("enterprise", "vip")).toBe(false);
    expect(tiersReceiving("vip")).toEqual(["vip", "enterprise"]);
    expect(tiersReceiving("premium")).toEqual(["premium", "vip", "enterprise"]);
  });

  it("the bot needs invite and ban rights everywhere, and posting in a channel", () => {
    const admin = { status: "administrator" as const, can_invite_users: true, can_restrict_members: true };
    expect(missingRights(admin, "supergroup")).toEqual([]);
    expect(missingRights(admin, "channel")).toEqual(["can_post_messages"]);
    expect(missingRights({ ...admin, can_post_messages: true }, "channel")).toEqual([]);
    expect(
      missingRights({ ...admin, can_invite_users: false, can_restrict_members: false }, "group"),
    ).toEqual(["can_invite_users", "can_restrict_members"]);
    expect(missingRights({ status: "member" }, "group")).toEqual(["administrator"]);
    expect(missingRights({ status: "creator" }, "channel")).toEqual([]);
  });

  it("a restricted member is in the chat only while is_member", () => {
    expect(isInChat({ status: "restricted", is_member: true })).toBe(true);
    expect(isInChat({ status: "restricted", is_member: false })).toBe(false);
    expect(isInChat({ status: "kicked" })).toBe(false);
    expect(isInChat({ status: "left" })).toBe(false);
    expect(isInChat({ status: "member" })).toBe(true);
  });

  it("an update reply names what changed", () => {
    const base = { stopLoss: null, takeProfit: null, fraction: null, note: null };
    expect(updatePostText({ ...base, action: "modify", takeProfit: 1.2 }, { entryPrice: 1.1 }, en)).toBe(
      "🔧 TP moved to 1.2",
    );
    expect(
      updatePostText({ ...base, action: "modify", stopLoss: 1.05, takeProfit: 1.2 }, { entryPrice: 1.1 }, en),
    ).toBe("🔧 SL moved to 1.05, TP moved to 1.2");
  });

  it("a post's words are in the chat's language; the data (instrument, side, prices, note) stay as they are", () => {
    const signal = {
      instrument: "EURUSD",
      side: "buy" as const,
      orderType: "market" as const,
      entryPrice: null,
      stopLoss: 1.08,
      takeProfit: null,
      note: "NFP",
      minTier: "vip" as const,
    };
    const update = {
      action: "modify" as const,
      stopLoss: 1.09,
      takeProfit: null,
      fraction: null,
      note: null,
    };
    expect(signalPostText(signal, translator("es"))).toBe(
      "🟢 <b>EURUSD</b> BUY\nEntrada: a mercado\nSL: 1.08\nTP: —\nNota: NFP",
    );
    expect(signalPostText(signal, translator("ru"))).toBe(
      "🟢 <b>EURUSD</b> BUY\nВход: по рынку\nSL: 1.08\nTP: —\nКомментарий: NFP",
    );
    const closed = { ...update, action: "close" as const, stopLoss: null, note: "TP1" };
    const outcome = outcomePostText(
      signal,
      [update, closed],
      new Date("2026-12-05T10:30:00Z"),
      1.09,
      translator("es"),
    );
    expect(outcome).toContain("• 🔧 SL movido a 1.09 (punto de equilibrio)");
    expect(outcome.split("\n").at(-1)).toBe("🏁 <b>Cerrada</b> 2026-12-05 10:30 UTC — TP1");
  });
});
