import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createDeviceOwner, createUser, tierId } from "../../../test/support/factories";
import { signedInject } from "../../../test/support/signed";
import { LINK_TTL_MS } from "./console.models";

const DAY_MS = 86_400_000;

describe("console sign-in and admin API", () => {
  const ctx = useTestApp({ env: { PUBLIC_URL: "http://console.test" } });
  const inject = (method: string, url: string, headers: Record<string, string> = {}, payload?: object) =>
    ctx().app.inject({ method: method as "GET", url, headers, ...(payload ? { payload } : {}) });

  async function linkFor(headers: Record<string, string>) {
    const res = await inject("POST", "/api/v1/admin/console-links", headers);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { url: string; expiresAt: string };
  }

  /** Opens a link as a browser would; returns the cookie pair it set. */
  async function open(url: string) {
    const u = new URL(url);
    const res = await inject("GET", `${u.pathname}${u.search}`);
    const setCookie = String(res.headers["set-cookie"] ?? "");
    return { res, setCookie, cookie: { cookie: setCookie.split(";")[0]! } };
  }

  async function signedIn() {
    const admin = await createUser(ctx().deps, { admin: true, username: "operator" });
    const { cookie } = await open((await linkFor(admin.headers)).url);
    const session = (await inject("GET", "/api/v1/console/session", cookie)).json();
    return { admin, cookie, csrf: { "x-csrf-token": session.csrfToken as string }, session };
  }

  describe("happy path", () => {
    it("a link signs the browser in: an HttpOnly SameSite=Strict cookie, then the console", async () => {
      const admin = await createUser(ctx().deps, { admin: true });
      const link = await linkFor(admin.headers);
      expect(link.url).toMatch(/^http:\/\/console\.test\/console\/login\?token=[A-Za-z0-9_-]{43}$/);
      expect(Date.parse(link.expiresAt) - ctx().clock.now().getTime()).toBe(LINK_TTL_MS);
      const { res, setCookie, cookie } = await open(link.url);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe("/console");
      expect(setCookie).toMatch(
        /^sd_console=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
      );
      const me = await inject("GET", "/api/v1/console/session", cookie);
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({
        user: { id: admin.user.id, role: "admin" },
        session: { current: true },
      });
      // The cookie works for the admin API, and a write with the CSRF token goes through.
      expect((await inject("GET", "/api/v1/admin/stats", cookie)).statusCode).toBe(200);
      const write = await inject("POST", "/api/v1/admin/console-links", {
        ...cookie,
        "x-csrf-token": me.json().csrfToken,
      });
      expect(write.statusCode).toBe(201);
    });

    it("sessions are listed and revocable; logout ends the current one", async () => {
      const first = await signedIn();
      const second = await open((await linkFor(first.admin.headers)).url);
      const list = (await inject("GET", "/api/v1/admin/console/sessions", first.cookie)).json();
      expect(list.items).toHaveLength(2);
      expect(list.items.filter((s: { current: boolean }) => s.current)).toEqual([
        expect.objectContaining({ id: first.session.session.id }),
      ]);
      const other = list.items.find((s: { current: boolean }) => !s.current).id;
      const revoke = await inject("DELETE", `/api/v1/admin/console/sessions/${other}`, {
        ...first.cookie,
        ...first.csrf,
      });
      expect(revoke.statusCode).toBe(204);
      expect((await inject("GET", "/api/v1/console/session", second.cookie)).statusCode).toBe(401);
      const logout = await inject("POST", "/api/v1/console/logout", { ...first.cookie, ...first.csrf });
      expect(logout.statusCode).toBe(204);
      expect(String(logout.headers["set-cookie"])).toContain("Max-Age=0");
      expect((await inject("GET", "/api/v1/admin/stats", first.cookie)).statusCode).toBe(401);
    });

    it("stats: revenue per day and currency, GBP total, subscribers per tier, churn, devices, signals", async () => {
      const { deps, clock } = ctx();
      const admin = await createUser(deps, { admin: true });
      const premium = await tierId(deps, "premium");
      const vip = await tierId(deps, "vip");
      // A subscriber whose only period ends inside the window: churned.
      const lapsed = await createUser(deps);
      await deps.entitlements.adminGrant({ id: admin.user.id }, lapsed.user.id, premium, 2);
      clock.advance(3 * DAY_MS);
      const gb = await createUser(deps);
      const eu = await createUser(deps);
      await deps.users.updateProfile(eu.user.id, { region: "EU" });
      const gbOrder = await deps.orders.create({ id: gb.user.id, region: "GB" }, { tierId: vip, months: 1 });
      await deps.orders.markPaidManually({ id: admin.user.id }, gbOrder.id, "bank-1");
      const euOrder = await deps.orders.create(
        { id: eu.user.id, region: "EU" },
        { tierId: premium, months: 1 },
      );
      await deps.orders.markPaidManually({ id: admin.user.id }, euOrder.id, "bank-2");
      const owner = await createDeviceOwner(deps, "enterprise");
      await signedInject(ctx().app, clock, owner.signer, {
        method: "GET",
        url: "/api/v1/device/poll?wait=0",
      });
      await deps.lastSeen.flush();

      const headers = { authorization: `Bearer ${await deps.tokens.issue(admin.user.id)}` };
      const res = await inject("GET", "/api/v1/admin/stats?days=7", headers);
      expect(res.statusCode, res.body).toBe(200);
      const stats = res.json();
      const today = clock.now().toISOString().slice(0, 10);
      expect(stats.revenue).toEqual([
        { day: today, currency: "EUR", amountMinor: euOrder.totalMinor },
        { day: today, currency: "GBP", amountMinor: gbOrder.totalMinor },
      ]);
      expect(stats.revenueGbpMinor).toBe(
        gbOrder.totalMinor + Math.round(euOrder.totalMinor / Number(euOrder.fxRate)),
      );
      expect(stats.activeSubscribers).toEqual({ premium: 1, vip: 1, enterprise: 1 });
      expect(stats.churned).toBe(1);
      expect(stats.newUsers).toBe(5);
      expect(stats.devicesOnline).toBe(1);
      expect(stats.signals).toEqual({ published: 0, approved: 0, filled: 0, failed: 0 });
      // One day is today so far: the admin and the lapsed subscriber arrived three days ago.
      const narrow = (await inject("GET", "/api/v1/admin/stats?days=1", headers)).json();
      expect(narrow.newUsers).toBe(3);
    });

    it("users: search by Telegram id, @username or id; detail without any secret", async () => {
      const { deps } = ctx();
      const admin = await createUser(deps, { admin: true });
      const owner = await createDeviceOwner(deps, "vip");
      await deps.users.ensureFromTelegram({ telegramId: 777001, username: "Trader_Joe", firstName: "Joe" });
      const search = async (q: string) =>
        (await inject("GET", `/api/v1/admin/users?q=${encodeURIComponent(q)}`, admin.headers))
          .json()
          .items.map((u: { telegramId: number }) => u.telegramId);
      expect(await search("777001")).toEqual([777001]);
      expect(await search("@trader")).toEqual([777001]);
      expect(await search("trader_")).toEqual([777001]);
      expect(await search("trader%")).toEqual([]);
      expect(await search(owner.user.id)).toEqual([owner.user.telegramId]);
      const detail = await inject("GET", `/api/v1/admin/users/${owner.user.id}`, admin.headers);
      expect(detail.statusCode).toBe(200);
      expect(detail.json()).toMatchObject({
        user: { id: owner.user.id, tier: "vip" },
        periods: [{ level: "vip", active: true, source: "admin" }],
        devices: [{ id: owner.device.id, name: "terminal", online: false }],
      });
      expect(detail.body).not.toContain(owner.signer.secret);
      const devices = await inject("GET", "/api/v1/admin/devices?online=false", admin.headers);
      expect(devices.json().items.map((d: { id: string }) => d.id)).toEqual([owner.device.id]);
      expect(devices.body).not.toContain(owner.signer.secret);
    });

    it("a user's devices show the MT5 account and client version the EA said hello with, and whether it is online", async () => {
      const { deps } = ctx();
      const admin = await createUser(deps, { admin: true });
      const owner = await createDeviceOwner(deps, "vip");
      const before = await inject("GET", `/api/v1/admin/users/${owner.user.id}`, admin.headers);
      expect(before.json().devices).toEqual([
        expect.objectContaining({ online: false, account: null, client: null, helloAt: null }),
      ]);
      const hello = await signedInject(ctx().app, ctx().clock, owner.signer, {
        method: "POST",
        url: "/api/v1/device/hello",
        body: {
          account: { login: "5012345", server: "ICMarkets-Live07", currency: "USD", leverage: 500 },
          client: { name: "signaldesk-ea", version: "1.4.2" },
        },
      });
      expect(hello.statusCode, hello.body).toBe(200);
      await deps.lastSeen.flush();
      const after = await inject("GET", `/api/v1/admin/users/${owner.user.id}`, admin.headers);
      expect(after.json().devices).toEqual([
        expect.objectContaining({
          id: owner.device.id,
          online: true,
          account: {
            login: "5012345",
            server: "ICMarkets-Live07",
            company: null,
            currency: "USD",
            balance: null,
            leverage: 500,
          },
          client: { name: "signaldesk-ea", version: "1.4.2" },
          helloAt: ctx().clock.now().toISOString(),
        }),
      ]);
    });

    it("a signal's fan-out: decisions, then ACKs and fills, and the devices still silent", async () => {
      const { deps, clock, app } = ctx();
      const admin = await createUser(deps, { admin: true });
      const a = await createDeviceOwner(deps, "vip");
      const b = await createDeviceOwner(deps, "vip");
      await createDeviceOwner(deps, "vip");
      const published = await inject("POST", "/api/v1/signals", admin.headers, {
        instrument: "EURUSD",
        side: "buy",
        orderType: "market",
        stopLoss: 1.05,
        takeProfit: 1.2,
      });
      const signalId = published.json().id;
      for (const who of [a, b]) {
        await inject("POST", `/api/v1/signals/${signalId}/decision`, who.headers, { decision: "approve" });
      }
      const fanout = async () =>
        (await inject("GET", `/api/v1/admin/signals/${signalId}/fanout`, admin.headers)).json();
      expect(await fanout()).toMatchObject({ recipients: 3, pending: 1, approved: 2, acked: 0, filled: 0 });
      expect((await fanout()).silentDevices.map((d: { id: string }) => d.id).sort()).toEqual(
        [a.device.id, b.device.id].sort(),
      );
      const fill = await signedInject(app, clock, a.signer, {
        method: "POST",
        url: "/api/v1/device/fill",
        body: { signalId, price: 1.0851, volume: 0.1, brokerTicket: "1" },
      });
      expect(fill.statusCode, fill.body).toBe(201);
      expect(await fanout()).toMatchObject({
        acked: 1,
        filled: 1,
        failed: 0,
        silentDevices: [{ id: b.device.id }],
      });
    });
  });

  describe("errors", () => {
    it("a used or expired link is a 401 page and signs nobody in", async () => {
      const admin = await createUser(ctx().deps, { admin: true });
      const used = await linkFor(admin.headers);
      expect((await open(used.url)).res.statusCode).toBe(303);
      const again = await open(used.url);
      expect(again.res.statusCode).toBe(401);
      expect(again.res.headers["content-type"]).toContain("text/html");
      expect(again.res.body).toContain("already used, has expired");
      expect(again.setCookie).toBe("");
      const late = await linkFor(admin.headers);
      ctx().clock.advance(LINK_TTL_MS);
      expect((await open(late.url)).res.statusCode).toBe(401);
    });

    it("an expired session is refused; unknown users, signals and sessions are 404", async () => {
      const { admin, cookie, csrf } = await signedIn();
      expect((await inject("GET", "/api/v1/admin/users/usr_nobody", admin.headers)).statusCode).toBe(404);
      expect((await inject("GET", "/api/v1/admin/signals/sig_nobody/fanout", admin.headers)).statusCode).toBe(
        404,
      );
      const missing = await inject("DELETE", "/api/v1/admin/console/sessions/css_nobody", {
        ...cookie,
        ...csrf,
      });
      expect([missing.statusCode, missing.json().code]).toEqual([404, "console.session_not_found"]);
      expect((await inject("GET", "/api/v1/admin/stats?days=366", admin.headers)).statusCode).toBe(400);
      ctx().clock.advance(12 * 3_600_000);
      expect((await inject("GET", "/api/v1/admin/stats", cookie)).statusCode).toBe(401);
    });
  });

  describe("security", () => {
    it("a bearer token cannot read a console session or its CSRF token", async () => {
      const admin = await createUser(ctx().deps, { admin: true });
      const res = await inject("GET", "/api/v1/console/session", admin.headers);
      expect(res.statusCode).toBe(401);
    });

    it("the link token and the session cookie are stored only as hashes", async () => {
      const { admin } = await signedIn();
      const link = await linkFor(admin.headers);
      const token = new URL(link.url).searchParams.get("token")!;
      const { setCookie } = await open(link.url);
      const stored = JSON.stringify(
        await ctx().database.query("select * from console_links, console_sessions"),
      );
      expect(stored).not.toContain(token);
      expect(stored).not.toContain(setCookie.split(";")[0]!.split("=")[1]);
    });
  });
});
