import { describe, expect, it, vi } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { TEST_BOT_TOKEN } from "../../../test/support/config";
import { createDeviceOwner, createUser } from "../../../test/support/factories";
import { signedInject } from "../../../test/support/signed";
import { runCommand } from "../../commands";
import { auditLog } from "../audit/audit.table";
import { signInitData } from "../auth/auth.models";

describe("disabling a user (POST /api/v1/admin/users/{id}/disable, /enable)", () => {
  const ctx = useTestApp({ env: { TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN, PUBLIC_URL: "http://console.test" } });
  const post = (url: string, headers: Record<string, string>) =>
    ctx().app.inject({ method: "POST", url, headers });
  const disable = (userId: string, headers: Record<string, string>) =>
    post(`/api/v1/admin/users/${userId}/disable`, headers);
  const enable = (userId: string, headers: Record<string, string>) =>
    post(`/api/v1/admin/users/${userId}/enable`, headers);
  const me = (headers: Record<string, string>) =>
    ctx().app.inject({ method: "GET", url: "/api/v1/me", headers });
  const poll = (signer: { id: string; secret: string }, wait = 0) =>
    signedInject(ctx().app, ctx().clock, signer, { method: "GET", url: `/api/v1/device/poll?wait=${wait}` });
  const initData = (telegramId: number) =>
    signInitData(
      {
        user: JSON.stringify({ id: telegramId, first_name: "Ada" }),
        auth_date: String(Math.floor(ctx().clock.now().getTime() / 1000)),
        query_id: `q${Math.random()}`,
      },
      TEST_BOT_TOKEN,
    );

  describe("happy path", () => {
    it("refuses the user's token, initData and devices until enabled again, and audits both", async () => {
      const admin = await createUser(ctx().deps, { admin: true });
      const owner = await createDeviceOwner(ctx().deps, "vip");
      const headers = { authorization: `Bearer ${await ctx().deps.tokens.issue(owner.user.id)}` };
      expect((await poll(owner.signer)).statusCode).toBe(200);

      const parked = poll(owner.signer, 30);
      const res = await disable(owner.user.id, admin.headers);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        id: owner.user.id,
        disabled: true,
        disabledAt: ctx().clock.now().toISOString(),
      });
      // A poll parked before the disable ends at once with an empty answer.
      expect((await parked).json().signals).toEqual([]);

      const refused = await me(headers);
      expect([refused.statusCode, refused.json().code]).toEqual([403, "users.disabled"]);
      expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
      const signIn = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/auth/telegram",
        payload: { initData: initData(owner.user.telegramId) },
      });
      expect([signIn.statusCode, signIn.json().code]).toEqual([403, "users.disabled"]);
      const devicePoll = await poll(owner.signer);
      expect([devicePoll.statusCode, devicePoll.json().code]).toEqual([401, "device_auth.rejected"]);

      const again = await enable(owner.user.id, admin.headers);
      expect(again.json()).toEqual({ id: owner.user.id, disabled: false, disabledAt: null });
      expect((await me(headers)).statusCode).toBe(200);
      // The devices come back when the after-commit reload has run (on a loaded PostgreSQL run,
      // a moment after the answer); each try is a fresh signed poll.
      await vi.waitFor(async () => expect((await poll(owner.signer)).statusCode).toBe(200), {
        timeout: 5_000,
      });
      const signInAgain = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/auth/telegram",
        payload: { initData: initData(owner.user.telegramId) },
      });
      expect(signInAgain.statusCode).toBe(200);

      const audit = await ctx().deps.db.select().from(auditLog);
      expect(audit.filter((a) => a.subjectId === owner.user.id).map((a) => [a.action, a.actorId])).toEqual(
        expect.arrayContaining([
          ["users.disabled", admin.user.id],
          ["users.enabled", admin.user.id],
        ]),
      );
    });

    it("ends a disabled admin's console session", async () => {
      const admin = await createUser(ctx().deps, { admin: true });
      const operator = await createUser(ctx().deps, { admin: true });
      const link = await ctx().deps.consoleSessions.createLink(operator.user.id, "cli");
      const u = new URL(link.url);
      const opened = await ctx().app.inject({ method: "GET", url: `${u.pathname}${u.search}` });
      const cookie = { cookie: String(opened.headers["set-cookie"]).split(";")[0]! };
      const orders = () => ctx().app.inject({ method: "GET", url: "/api/v1/admin/orders", headers: cookie });
      expect((await orders()).statusCode).toBe(200);
      await disable(operator.user.id, admin.headers);
      expect([(await orders()).statusCode, (await orders()).json().code]).toEqual([403, "users.disabled"]);
    });

    it("is idempotent: disabling twice keeps the first time", async () => {
      const admin = await createUser(ctx().deps, { admin: true });
      const user = await createUser(ctx().deps);
      const first = (await disable(user.user.id, admin.headers)).json();
      ctx().clock.advance(5000);
      expect((await disable(user.user.id, admin.headers)).json()).toEqual(first);
    });

    it("the CLI disables and enables by Telegram id", async () => {
      const user = await createUser(ctx().deps);
      const out = await runCommand(ctx().deps, "user.disable", {
        "telegram-id": String(user.user.telegramId),
      });
      expect(out).toBe(`${user.user.id} disabled`);
      expect((await me(user.headers)).statusCode).toBe(403);
      await runCommand(ctx().deps, "user.enable", { "telegram-id": String(user.user.telegramId) });
      expect((await me(user.headers)).statusCode).toBe(200);
      await expect(runCommand(ctx().deps, "user.disable", { "telegram-id": "999999999" })).rejects.toThrow(
        /no user has Telegram id 999999999/,
      );
    });
  });

  describe("errors", () => {
    it("answers 404 for an unknown user and 409 to an admin disabling themselves", async () => {
      const admin = await createUser(ctx().deps, { admin: true });
      const unknown = await disable("usr_nobody", admin.headers);
      expect([unknown.statusCode, unknown.json().code]).toEqual([404, "users.not_found"]);
      const self = await disable(admin.user.id, admin.headers);
      expect([self.statusCode, self.json().code]).toEqual([409, "users.cannot_disable_self"]);
      expect((await me(admin.headers)).statusCode).toBe(200);
    });
  });

  describe("security", () => {
    it("refuses non-admins (403) and anonymous callers (401), changing nothing", async () => {
      const user = await createUser(ctx().deps);
      const target = await createUser(ctx().deps);
      expect((await disable(target.user.id, user.headers)).statusCode).toBe(403);
      expect((await disable(target.user.id, {})).statusCode).toBe(401);
      expect((await me(target.headers)).statusCode).toBe(200);
    });
  });
});
