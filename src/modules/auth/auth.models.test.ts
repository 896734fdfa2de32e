import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signInitData, verifyInitData } from "./auth.models";

const BOT = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const NOW = 1_795_000_000;
const user = JSON.stringify({ id: 42, first_name: "Ada", username: "ada", language_code: "en" });

describe("Telegram Mini App initData", () => {
  it("accepts initData signed with the bot token and returns the user", () => {
    const initData = signInitData({ user, auth_date: String(NOW - 60), query_id: "AAE" }, BOT);
    const result = verifyInitData(initData, BOT, NOW);
    expect(result).toMatchObject({ ok: true, user: { id: 42, username: "ada" }, authDate: NOW - 60 });
  });

  it("matches Telegram's documented algorithm computed independently", async () => {
    const { createHmac } = await import("node:crypto");
    const fields = { auth_date: String(NOW), user, chat_type: "private" };
    const check = Object.entries(fields)
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join("\n");
    const secret = createHmac("sha256", "WebAppData").update(BOT).digest();
    const hash = createHmac("sha256", secret).update(check).digest("hex");
    const initData = new URLSearchParams({ ...fields, hash }).toString();
    expect(verifyInitData(initData, BOT, NOW).ok).toBe(true);
  });

  it("refuses initData older than one hour by default and accepts it just inside the window", () => {
    const fresh = signInitData({ user, auth_date: String(NOW - 3600) }, BOT);
    const stale = signInitData({ user, auth_date: String(NOW - 3601) }, BOT);
    expect(verifyInitData(fresh, BOT, NOW).ok).toBe(true);
    expect(verifyInitData(stale, BOT, NOW)).toEqual({ ok: false, reason: "auth_date too old" });
  });

  it("honours a configured window (up to the 24 h API.md allows)", () => {
    const dayOld = signInitData({ user, auth_date: String(NOW - 86_400) }, BOT);
    expect(verifyInitData(dayOld, BOT, NOW, 86_400).ok).toBe(true);
    expect(verifyInitData(dayOld, BOT, NOW, 86_399)).toEqual({ ok: false, reason: "auth_date too old" });
  });

  it("refuses initData signed by another bot", () => {
    const initData = signInitData({ user, auth_date: String(NOW) }, "999:ZYXWVUTSRQPONMLKJIHGFEDCBA");
    expect(verifyInitData(initData, BOT, NOW)).toEqual({ ok: false, reason: "hash mismatch" });
  });

  it("refuses a missing or malformed hash, and a bot account", () => {
    expect(verifyInitData(`user=${encodeURIComponent(user)}&auth_date=${NOW}`, BOT, NOW).ok).toBe(false);
    expect(verifyInitData(`auth_date=${NOW}&hash=XYZ`, BOT, NOW).ok).toBe(false);
    const bot = signInitData({ user: JSON.stringify({ id: 7, is_bot: true }), auth_date: String(NOW) }, BOT);
    expect(verifyInitData(bot, BOT, NOW)).toEqual({ ok: false, reason: "bots cannot sign in" });
  });

  it("refuses any tampering with any field", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("user", "auth_date", "query_id"),
        fc.string({ minLength: 1 }),
        (field, extra) => {
          const params = new URLSearchParams(
            signInitData({ user, auth_date: String(NOW), query_id: "AAE" }, BOT),
          );
          params.set(field, params.get(field) + extra);
          expect(verifyInitData(params.toString(), BOT, NOW).ok).toBe(false);
        },
      ),
    );
  });

  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string(), (junk) => {
        expect(verifyInitData(junk, BOT, NOW).ok).toBe(false);
      }),
    );
  });
});
