import { afterEach, describe, expect, it, vi } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createDeviceOwner, createUser } from "../../../test/support/factories";
import { type Signer, signedInject } from "../../../test/support/signed";
import type { Database } from "../../db/client";

const DEFAULTS = {
  version: 1,
  sizing: { mode: "fixed", value: 0.01 },
  maxLots: null,
  symbolMap: {},
  symbolSuffix: "",
  maxSlippagePoints: 30,
  maxEntryDeviationPct: null,
  paused: false,
};

const RISKY = {
  sizing: { mode: "risk_percent", value: 1.5 },
  maxLots: 2,
  symbolMap: { XAUUSD: "GOLD.m", "us30 ": "DJ30" },
  symbolSuffix: ".m",
  maxSlippagePoints: 20,
  maxEntryDeviationPct: 0.25,
  paused: false,
};

const HELLO = {
  account: {
    login: "51234567",
    server: "ICMarketsSC-Demo",
    company: "Raw Trading Ltd",
    currency: "USD",
    balance: 10250.5,
    leverage: 500,
  },
  client: { name: "SignalDesk.mq5", version: "1.0.0" },
};

/** Counts every statement the app sends to the database from now on. */
function watchDatabase(database: Database): () => number {
  const target = (database.pglite ?? database.pool!) as unknown as Record<string, () => unknown>;
  const methods = database.pglite ? ["query", "exec", "transaction"] : ["query", "connect"];
  const spies = methods.map((m) => vi.spyOn(target, m as never));
  return () => spies.reduce((n, s) => n + s.mock.calls.length, 0);
}

describe("device settings and hello (API.md §11)", () => {
  const ctx = useTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: "100000" } });
  afterEach(() => vi.restoreAllMocks());

  const getSettings = (headers: Record<string, string>, id: string) =>
    ctx().app.inject({ method: "GET", url: `/api/v1/devices/${id}/settings`, headers });
  const putSettings = (headers: Record<string, string>, id: string, payload: unknown) =>
    ctx().app.inject({
      method: "PUT",
      url: `/api/v1/devices/${id}/settings`,
      headers,
      payload: payload as object,
    });
  const poll = (signer: Signer, wait = 0) =>
    signedInject(ctx().app, ctx().clock, signer, { method: "GET", url: `/api/v1/device/poll?wait=${wait}` });
  const hello = (signer: Signer, body: unknown = HELLO) =>
    signedInject(ctx().app, ctx().clock, signer, { method: "POST", url: "/api/v1/device/hello", body });

  describe("happy path", () => {
    it("starts at the defaults, version 1, and a PUT replaces them with the next version", async () => {
      const owner = await createDeviceOwner(ctx().deps);
      const first = await getSettings(owner.headers, owner.device.id);
      expect(first.statusCode).toBe(200);
      expect(first.json()).toEqual(DEFAULTS);

      const put = await putSettings(owner.headers, owner.device.id, {
        ...RISKY,
        version: 99,
        extra: "ignored",
      });
      expect(put.statusCode, put.body).toBe(200);
      const expected = {
        ...RISKY,
        version: 2,
        // Signal instruments are upper case: a key is trimmed and upper-cased.
        symbolMap: { XAUUSD: "GOLD.m", US30: "DJ30" },
      };
      expect(put.json()).toEqual(expected);
      expect((await getSettings(owner.headers, owner.device.id)).json()).toEqual(expected);

      const again = await putSettings(owner.headers, owner.device.id, { ...RISKY, paused: true });
      expect(again.json()).toMatchObject({ version: 3, paused: true });
      const audit = await ctx().database.query<{ action: string; data: { version: number } }>(
        "select action, data from audit_log where subject_id = $1 and action = 'devices.settings_changed' order by at, id",
        [owner.device.id],
      );
      // Both changes at one instant of the test clock: compared as a set.
      expect(audit.map((a) => a.data.version).sort()).toEqual([2, 3]);
    });

    it("carries the settings in every poll, the empty ones answered without the database", async () => {
      const owner = await createDeviceOwner(ctx().deps);
      expect((await poll(owner.signer)).json().settings).toEqual(DEFAULTS);
      const { json } = await putSettings(owner.headers, owner.device.id, RISKY);
      const statements = watchDatabase(ctx().database);
      for (let i = 0; i < 10; i++) {
        const res = await poll(owner.signer);
        expect(res.json()).toEqual({
          serverTime: expect.any(String),
          signals: [],
          updates: [],
          settings: json(),
        });
      }
      expect(statements()).toBe(0);
    });

    it("one device's change leaves every other device on the defaults", async () => {
      const [one, two, three] = [
        await createDeviceOwner(ctx().deps),
        await createDeviceOwner(ctx().deps),
        await createDeviceOwner(ctx().deps),
      ];
      await ctx().deps.delivery.rebuild();
      for (const owner of [one, two, three])
        expect((await poll(owner.signer)).json().settings).toEqual(DEFAULTS);
      const { json } = await putSettings(one.headers, one.device.id, RISKY);
      expect((await poll(one.signer)).json().settings).toEqual(json());
      for (const owner of [two, three]) expect((await poll(owner.signer)).json().settings).toEqual(DEFAULTS);
      expect(ctx().deps.delivery.settingsOf(two.device.id)).toEqual(DEFAULTS);
    });

    it("answers a parked long poll at once when the settings change", async () => {
      const owner = await createDeviceOwner(ctx().deps);
      const waiting = poll(owner.signer, 25);
      await vi.waitFor(() => expect(ctx().deps.delivery.stats().waiting).toBe(1));
      const started = Date.now();
      await putSettings(owner.headers, owner.device.id, { ...DEFAULTS, paused: true });
      const answer = (await waiting).json();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(answer).toMatchObject({ signals: [], settings: { version: 2, paused: true } });
    });

    it("stores the hello's account and client, shows them on the device and to an admin, and answers the settings", async () => {
      const owner = await createDeviceOwner(ctx().deps);
      await putSettings(owner.headers, owner.device.id, RISKY);
      const res = await hello(owner.signer);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ settings: (await getSettings(owner.headers, owner.device.id)).json() });

      const shown = (
        await ctx().app.inject({
          method: "GET",
          url: `/api/v1/devices/${owner.device.id}`,
          headers: owner.headers,
        })
      ).json();
      expect(shown).toMatchObject({
        account: HELLO.account,
        client: HELLO.client,
        helloAt: ctx().clock.now().toISOString(),
        online: true,
      });
      const listed = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/devices",
        headers: owner.headers,
      });
      expect(listed.json().items[0]).toMatchObject({ account: HELLO.account, client: HELLO.client });

      const admin = await createUser(ctx().deps, { admin: true });
      const forAdmin = await ctx().app.inject({
        method: "GET",
        url: `/api/v1/admin/users/${owner.user.id}/devices`,
        headers: admin.headers,
      });
      expect(forAdmin.statusCode).toBe(200);
      expect(forAdmin.json().items).toEqual([
        expect.objectContaining({ id: owner.device.id, account: HELLO.account }),
      ]);
    });

    it("reads a hello without the optional account fields as nulls, and a later hello replaces it", async () => {
      const owner = await createDeviceOwner(ctx().deps);
      const minimal = {
        account: { login: "7001", server: "Broker-Live" },
        client: { name: "my-bridge", version: "0.3" },
      };
      expect((await hello(owner.signer, minimal)).statusCode).toBe(200);
      const device = async () =>
        (
          await ctx().app.inject({
            method: "GET",
            url: `/api/v1/devices/${owner.device.id}`,
            headers: owner.headers,
          })
        ).json();
      expect((await device()).account).toEqual({
        login: "7001",
        server: "Broker-Live",
        company: null,
        currency: null,
        balance: null,
        leverage: null,
      });
      expect((await hello(owner.signer)).statusCode).toBe(200);
      expect((await device()).account).toEqual(HELLO.account);
    });
  });

  describe("errors", () => {
    const bad: [string, (s: typeof RISKY) => unknown, string][] = [
      ["sizing value 0", (s) => ({ ...s, sizing: { mode: "fixed", value: 0 } }), "sizing.value"],
      ["negative sizing value", (s) => ({ ...s, sizing: { mode: "multiplier", value: -1 } }), "sizing.value"],
      ["risk above 10%", (s) => ({ ...s, sizing: { mode: "risk_percent", value: 25 } }), "sizing.value"],
      ["fixed above 100 lots", (s) => ({ ...s, sizing: { mode: "fixed", value: 500 } }), "sizing.value"],
      ["multiplier above 10", (s) => ({ ...s, sizing: { mode: "multiplier", value: 11 } }), "sizing.value"],
      ["unknown sizing mode", (s) => ({ ...s, sizing: { mode: "martingale", value: 1 } }), "sizing.mode"],
      ["maxLots 0", (s) => ({ ...s, maxLots: 0 }), "maxLots"],
      ["maxLots above 1000", (s) => ({ ...s, maxLots: 5000 }), "maxLots"],
      ["a fractional slippage", (s) => ({ ...s, maxSlippagePoints: 2.5 }), "maxSlippagePoints"],
      ["a negative slippage", (s) => ({ ...s, maxSlippagePoints: -1 }), "maxSlippagePoints"],
      ["slippage above 10000", (s) => ({ ...s, maxSlippagePoints: 10_001 }), "maxSlippagePoints"],
      ["a negative deviation", (s) => ({ ...s, maxEntryDeviationPct: -0.1 }), "maxEntryDeviationPct"],
      ["deviation above 100%", (s) => ({ ...s, maxEntryDeviationPct: 150 }), "maxEntryDeviationPct"],
      ["a suffix of 13 characters", (s) => ({ ...s, symbolSuffix: "abcdefghijklm" }), "symbolSuffix"],
      ["a suffix with a space", (s) => ({ ...s, symbolSuffix: ". m" }), "symbolSuffix"],
      ["a map key that is no instrument", (s) => ({ ...s, symbolMap: { "EUR/USD": "EURUSD" } }), "symbolMap"],
      ["an empty broker symbol", (s) => ({ ...s, symbolMap: { XAUUSD: "" } }), "symbolMap"],
      ["a map that is a list", (s) => ({ ...s, symbolMap: [["XAUUSD", "GOLD"]] }), "symbolMap"],
      ["paused as a string", (s) => ({ ...s, paused: "yes" }), "paused"],
      ["a missing field", ({ paused: _p, ...s }) => s, "paused"],
    ];
    it.each(bad)("answers 400 request.invalid for %s and keeps the settings", async (_name, make, path) => {
      const owner = await createDeviceOwner(ctx().deps);
      const res = await putSettings(owner.headers, owner.device.id, make(RISKY));
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: "request.invalid" });
      expect((res.json().errors as { path: string }[]).map((e) => e.path).join(" ")).toContain(path);
      expect((await getSettings(owner.headers, owner.device.id)).json()).toEqual(DEFAULTS);
    });

    it("answers 404 for another user's device, and for an unknown one, and changes nothing", async () => {
      const owner = await createDeviceOwner(ctx().deps);
      const other = await createDeviceOwner(ctx().deps);
      for (const id of [other.device.id, "dev_unknown"]) {
        const put = await putSettings(owner.headers, id, RISKY);
        expect(put.statusCode).toBe(404);
        expect(put.json().code).toBe("devices.not_found");
        expect((await getSettings(owner.headers, id)).statusCode).toBe(404);
      }
      expect((await getSettings(other.headers, other.device.id)).json()).toEqual(DEFAULTS);
      expect((await poll(other.signer)).json().settings).toEqual(DEFAULTS);
    });

    it("answers 409 devices.revoked for a removed device's settings", async () => {
      const owner = await createDeviceOwner(ctx().deps);
      await ctx().app.inject({
        method: "DELETE",
        url: `/api/v1/devices/${owner.device.id}`,
        headers: owner.headers,
      });
      const res = await putSettings(owner.headers, owner.device.id, RISKY);
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("devices.revoked");
    });

    it("answers 401 without a token, and 403 to a user on the admin device list", async () => {
      const owner = await createDeviceOwner(ctx().deps);
      expect((await getSettings({}, owner.device.id)).statusCode).toBe(401);
      expect((await putSettings({}, owner.device.id, RISKY)).statusCode).toBe(401);
      const res = await ctx().app.inject({
        method: "GET",
        url: `/api/v1/admin/users/${owner.user.id}/devices`,
        headers: owner.headers,
      });
      expect(res.statusCode).toBe(403);
    });

    it("refuses a hello from a removed device (401) and stores nothing", async () => {
      const owner = await createDeviceOwner(ctx().deps);
      await ctx().app.inject({
        method: "DELETE",
        url: `/api/v1/devices/${owner.device.id}`,
        headers: owner.headers,
      });
      const res = await hello(owner.signer);
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe("device_auth.rejected");
      const [row] = await ctx().database.query<{ account: unknown }>(
        "select account from devices where id = $1",
        [owner.device.id],
      );
      expect(row?.account).toBeNull();
    });

    it("refuses an unsigned hello (401) and a wrong secret (401)", async () => {
      const owner = await createDeviceOwner(ctx().deps);
      const unsigned = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/device/hello",
        payload: HELLO,
      });
      expect(unsigned.statusCode).toBe(401);
      expect((await hello({ ...owner.signer, secret: "wrong" })).statusCode).toBe(401);
    });

    it.each([
      ["no account", { client: HELLO.client }],
      ["an empty login", { ...HELLO, account: { ...HELLO.account, login: "" } }],
      ["a numeric login", { ...HELLO, account: { ...HELLO.account, login: 51234567 } }],
      ["a fractional leverage", { ...HELLO, account: { ...HELLO.account, leverage: 1.5 } }],
      ["no client version", { ...HELLO, client: { name: "SignalDesk.mq5" } }],
    ])("answers 400 request.invalid for a hello with %s", async (_name, body) => {
      const owner = await createDeviceOwner(ctx().deps);
      const res = await hello(owner.signer, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe("request.invalid");
    });
  });
});
