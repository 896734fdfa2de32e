import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createDeviceOwner, createUser } from "../../../test/support/factories";
import { signRequestFor } from "../../../test/support/signed";
import { parseConfig } from "../../config";

const ATTACKER = "203.0.113.7";

describe("rate limits by principal", () => {
  const ctx = useTestApp({
    env: {
      RATE_LIMIT_IP_PER_MINUTE: "5",
      RATE_LIMIT_USER_PER_MINUTE: "8",
      RATE_LIMIT_DEVICE_PER_MINUTE: "8",
    },
  });
  const anonymous = (remoteAddress = ATTACKER) =>
    ctx().app.inject({ method: "GET", url: "/api/v1/catalog", remoteAddress });
  const poll = async (signer: { id: string; secret: string }) => {
    const { headers } = signRequestFor(signer, { method: "GET", url: "/api/v1/device/poll" }, ctx().clock);
    return ctx().app.inject({ method: "GET", url: "/api/v1/device/poll", headers, remoteAddress: ATTACKER });
  };

  it("an anonymous flood from one address leaves signed device polls and admin calls from it untouched", async () => {
    const admin = await createUser(ctx().deps, { admin: true });
    const owner = await createDeviceOwner(ctx().deps, "vip");
    const flood = [];
    for (let i = 0; i < 20; i++) flood.push((await anonymous()).statusCode);
    expect(flood.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(flood.slice(5).every((s) => s === 429)).toBe(true);
    for (let i = 0; i < 6; i++) {
      const adminCall = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/admin/orders",
        headers: admin.headers,
        remoteAddress: ATTACKER,
      });
      expect(adminCall.statusCode).toBe(200);
      expect((await poll(owner.signer)).statusCode).toBe(200);
    }
    // Another address is not affected by the flood either.
    expect((await anonymous("198.51.100.1")).statusCode).toBe(200);
  });

  it("answers 429 problem+json with Retry-After, naming the principal", async () => {
    for (let i = 0; i < 5; i++) await anonymous();
    const limited = await anonymous();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(limited.json()).toMatchObject({
      code: "request.rate_limited",
      detail: "Too many requests from this address",
    });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers["retry-after"])).toBeLessThanOrEqual(60);
  });

  it("counts anonymous calls to guarded routes before the guard answers", async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await ctx().app.inject({ method: "GET", url: "/api/v1/me", remoteAddress: ATTACKER })).statusCode,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it("gives each user their own budget, whatever address they share", async () => {
    const a = await createUser(ctx().deps);
    const b = await createUser(ctx().deps);
    const me = (headers: Record<string, string>) =>
      ctx().app.inject({ method: "GET", url: "/api/v1/me", headers, remoteAddress: ATTACKER });
    const statuses = [];
    for (let i = 0; i < 9; i++) statuses.push((await me(a.headers)).statusCode);
    expect(statuses.slice(0, 8).every((s) => s === 200)).toBe(true);
    const limited = await me(a.headers);
    expect([limited.statusCode, limited.json().detail]).toEqual([429, "Too many requests for this user"]);
    expect((await me(b.headers)).statusCode).toBe(200);
  });

  it("gives each device its own budget", async () => {
    const one = await createDeviceOwner(ctx().deps, "vip");
    const two = await createDeviceOwner(ctx().deps, "vip");
    for (let i = 0; i < 8; i++) expect((await poll(one.signer)).statusCode).toBe(200);
    const limited = await poll(one.signer);
    expect([limited.statusCode, limited.json().detail]).toEqual([429, "Too many requests from this device"]);
    expect((await poll(two.signer)).statusCode).toBe(200);
  });

  it("counts an id header sent to an unsigned route, anonymous, before the guard answers", async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const res = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/me",
        headers: { "x-device-id": "dev_forged", "x-producer-id": "prd_forged" },
        remoteAddress: ATTACKER,
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it("counts a credential a public route ignores against the address", async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const res = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/catalog",
        headers: { authorization: "Bearer not-checked-here" },
        remoteAddress: ATTACKER,
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it("ignores X-Forwarded-For unless TRUST_PROXY says so", async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const res = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/catalog",
        headers: { "x-forwarded-for": `192.0.2.${i}` },
        remoteAddress: ATTACKER,
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.at(-1)).toBe(429);
  });
});

describe("rate limits behind a trusted proxy (TRUST_PROXY)", () => {
  const ctx = useTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: "2", TRUST_PROXY: "127.0.0.1" } });

  it("counts each forwarded client on its own; an untrusted hop's header is ignored", async () => {
    const via = (client: string, remoteAddress = "127.0.0.1") =>
      ctx().app.inject({
        method: "GET",
        url: "/api/v1/catalog",
        headers: { "x-forwarded-for": client },
        remoteAddress,
      });
    expect([(await via("192.0.2.1")).statusCode, (await via("192.0.2.1")).statusCode]).toEqual([200, 200]);
    expect((await via("192.0.2.1")).statusCode).toBe(429);
    expect((await via("192.0.2.2")).statusCode).toBe(200);
    // Not from the trusted proxy: its X-Forwarded-For is not believed, the socket address counts.
    for (let i = 0; i < 2; i++) expect((await via(`192.0.2.${10 + i}`, "198.51.100.9")).statusCode).toBe(200);
    expect((await via("192.0.2.99", "198.51.100.9")).statusCode).toBe(429);
  });
});

describe("TRUST_PROXY", () => {
  it.each([
    [undefined, false],
    ["false", false],
    ["true", true],
    ["2", 2],
    ["10.0.0.1, 10.1.0.0/16", ["10.0.0.1", "10.1.0.0/16"]],
    ["loopback,::1", ["loopback", "::1"]],
  ])("%s is %j", (value, expected) => {
    expect(parseConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it("refuses a value it cannot read, naming the variable", () => {
    expect(() => parseConfig({ TRUST_PROXY: "proxy.example.com" })).toThrow(/TRUST_PROXY/);
  });
});

// The plugin's Redis store, shared by instances, under REDIS_KEY_PREFIX (only with a Redis).
if (process.env.TEST_REDIS_URL) {
  describe("rate limits in Redis", () => {
    const prefix = `t${randomBytes(4).toString("hex")}:`;
    const ctx = useTestApp({
      env: { REDIS_URL: process.env.TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, RATE_LIMIT_IP_PER_MINUTE: "3" },
    });

    it("counts under <REDIS_KEY_PREFIX>rl:, shared by every instance on that Redis", async () => {
      for (let i = 0; i < 3; i++)
        expect(
          (await ctx().app.inject({ method: "GET", url: "/api/v1/catalog", remoteAddress: "192.0.2.50" }))
            .statusCode,
        ).toBe(200);
      const redis = new Redis(process.env.TEST_REDIS_URL!);
      try {
        expect(await redis.get(`${prefix}rl:ip:192.0.2.50`)).toBe("3");
        expect(await redis.keys("sd:rl:ip:192.0.2.50")).toEqual([]);
        // A second instance on the same Redis sees the spent budget.
        const { createTestApp } = await import("../../../test/support/app");
        const other = await createTestApp({
          env: {
            REDIS_URL: process.env.TEST_REDIS_URL,
            REDIS_KEY_PREFIX: prefix,
            RATE_LIMIT_IP_PER_MINUTE: "3",
          },
        });
        try {
          expect(
            (await other.app.inject({ method: "GET", url: "/api/v1/catalog", remoteAddress: "192.0.2.50" }))
              .statusCode,
          ).toBe(429);
        } finally {
          await other.close();
        }
      } finally {
        await redis.quit();
      }
    });
  });
}
