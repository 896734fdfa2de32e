import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { TEST_BOT_TOKEN, TEST_JWT_SECRET } from "../../../test/support/config";
import { signInitData } from "./auth.models";

const initDataFor = (id: number, authDate: number, extra: Record<string, string> = {}) =>
  signInitData(
    {
      user: JSON.stringify({ id, first_name: "Ada", last_name: "L", username: "ada" }),
      auth_date: String(authDate),
      ...extra,
    },
    TEST_BOT_TOKEN,
  );

describe("POST /api/v1/auth/telegram", () => {
  const ctx = useTestApp({ env: { TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN, ADMIN_TELEGRAM_IDS: "777" } });
  const now = () => Math.floor(ctx().clock.now().getTime() / 1000);

  describe("happy path", () => {
    it("creates the user on first sight and returns a one-hour bearer token", async () => {
      const res = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/auth/telegram",
        payload: { initData: initDataFor(4242, now()), ref: "ABCD1234" },
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ tokenType: "Bearer", expiresIn: 3600 });
      expect(body.user).toMatchObject({
        telegramId: 4242,
        username: "ada",
        firstName: "Ada L",
        role: "user",
        tier: "free",
      });
      const row = await ctx().deps.users.findByTelegramId(4242);
      expect(row?.referralCode).toBe("ABCD1234");
      const me = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/me",
        headers: { authorization: `Bearer ${body.accessToken}` },
      });
      expect(me.json().id).toBe(body.user.id);
    });

    it("keeps the first referral code: a later sign-in with another code changes nothing", async () => {
      const sign = (ref: string) =>
        ctx().app.inject({
          method: "POST",
          url: "/api/v1/auth/telegram",
          payload: { initData: initDataFor(5, now()), ref },
        });
      const first = await sign("FIRST");
      ctx().clock.advance(1000); // a later Mini App launch: a new initData
      const second = await sign("SECOND");
      expect(second.json().user.id).toBe(first.json().user.id);
      expect((await ctx().deps.users.findByTelegramId(5))?.referralCode).toBe("FIRST");
    });

    it("reads a referral from a Mini App start_param and gives ADMIN_TELEGRAM_IDS the admin role", async () => {
      const res = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/auth/telegram",
        payload: { initData: initDataFor(777, now(), { start_param: "ref_XYZ" }) },
      });
      expect(res.json().user.role).toBe("admin");
      expect((await ctx().deps.users.findByTelegramId(777))?.referralCode).toBe("XYZ");
    });
  });

  describe("errors", () => {
    it("answers 400 request.invalid with errors[] for a missing initData", async () => {
      const res = await ctx().app.inject({ method: "POST", url: "/api/v1/auth/telegram", payload: {} });
      expect(res.statusCode).toBe(400);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      expect(res.json()).toMatchObject({ code: "request.invalid", errors: [{ path: "initData" }] });
    });

    it("answers 401 auth.init_data_invalid for stale initData and creates nobody", async () => {
      const res = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/auth/telegram",
        payload: { initData: initDataFor(9, now() - 86_401) },
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe("auth.init_data_invalid");
      expect(await ctx().deps.users.findByTelegramId(9)).toBeUndefined();
    });
  });

  describe("security", () => {
    it("refuses tampered initData (user id swapped after signing)", async () => {
      const params = new URLSearchParams(initDataFor(10, now()));
      params.set("user", JSON.stringify({ id: 11, first_name: "Mallory" }));
      const res = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/auth/telegram",
        payload: { initData: params.toString() },
      });
      expect(res.statusCode).toBe(401);
      expect(await ctx().deps.users.findByTelegramId(11)).toBeUndefined();
    });

    it("never logs initData", async () => {
      const initData = initDataFor(12, now() - 90_000);
      await ctx().app.inject({ method: "POST", url: "/api/v1/auth/telegram", payload: { initData } });
      const hash = new URLSearchParams(initData).get("hash")!;
      expect(ctx().logs.join("\n")).not.toContain(hash);
    });

    it("accepts each initData once: a replayed copy is 401 and issues no token", async () => {
      const initData = initDataFor(14, now());
      const sign = () =>
        ctx().app.inject({ method: "POST", url: "/api/v1/auth/telegram", payload: { initData } });
      expect((await sign()).statusCode).toBe(200);
      const replay = await sign();
      expect([replay.statusCode, replay.json().code]).toEqual([401, "auth.init_data_invalid"]);
      expect(replay.json().accessToken).toBeUndefined();
    });

    it("refuses initData older than the one-hour default window", async () => {
      const stale = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/auth/telegram",
        payload: { initData: initDataFor(15, now() - 3601) },
      });
      expect([stale.statusCode, stale.json().code]).toEqual([401, "auth.init_data_invalid"]);
      const fresh = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/auth/telegram",
        payload: { initData: initDataFor(15, now() - 3599) },
      });
      expect(fresh.statusCode).toBe(200);
    });

    it("refuses a correctly signed token that has no expiry", async () => {
      const { deps, app } = ctx();
      const { user } = await deps.users.ensureFromTelegram({ telegramId: 16 });
      const forever = await new SignJWT({})
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(user.id)
        .setIssuer("signaldesk")
        .setAudience("signaldesk-api")
        .setIssuedAt()
        .sign(new TextEncoder().encode(TEST_JWT_SECRET));
      const res = await app.inject({
        method: "GET",
        url: "/api/v1/me",
        headers: { authorization: `Bearer ${forever}` },
      });
      expect([res.statusCode, res.json().code]).toEqual([401, "auth.unauthenticated"]);
    });

    it("refuses expired, forged and unsigned tokens with 401", async () => {
      const { deps, app, clock } = ctx();
      const { user } = await deps.users.ensureFromTelegram({ telegramId: 13 });
      const valid = await deps.tokens.issue(user.id);
      const forged = await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(user.id)
        .setIssuer("signaldesk")
        .setAudience("signaldesk-api")
        .setExpirationTime("1h")
        .sign(new TextEncoder().encode(`${TEST_JWT_SECRET}-not`));
      const unsigned = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(
        JSON.stringify({ sub: user.id, iss: "signaldesk", aud: "signaldesk-api" }),
      ).toString("base64url")}.`;
      for (const token of [forged, unsigned, "garbage", `${valid}x`]) {
        const res = await app.inject({
          method: "GET",
          url: "/api/v1/me",
          headers: { authorization: `Bearer ${token}` },
        });
        expect(res.statusCode).toBe(401);
        expect(res.json().code).toBe("auth.unauthenticated");
      }
      clock.advance(3601_000);
      const expired = await app.inject({
        method: "GET",
        url: "/api/v1/me",
        headers: { authorization: `Bearer ${valid}` },
      });
      expect(expired.statusCode).toBe(401);
    });
  });
});

describe("POST /api/v1/auth/telegram without a bot token", () => {
  const ctx = useTestApp();
  it("answers 503 because Telegram sign-in is not configured", async () => {
    const res = await ctx().app.inject({
      method: "POST",
      url: "/api/v1/auth/telegram",
      payload: { initData: "auth_date=1&hash=00" },
    });
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("auth.telegram_unavailable");
  });
});
