import { randomBytes } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp, useTestApp } from "../../../test/support/app";
import { createDeviceOwner, createUser } from "../../../test/support/factories";
import { signedInject, signRequestFor } from "../../../test/support/signed";
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
  describe("signed requests' nonces and counts in Redis, shared by every instance", () => {
    const prefix = `t${randomBytes(4).toString("hex")}:`;
    const env = {
      REDIS_URL: process.env.TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_DEVICE_PER_MINUTE: "3",
      RATE_LIMIT_PRODUCER_PER_MINUTE: "1000",
      RATE_LIMIT_IP_PER_MINUTE: "100000",
    };
    const ctx = useTestApp({ env });
    const pollOn = (app: TestApp, signer: { id: string; secret: string }, nonce?: string) => {
      const call = { method: "GET" as const, url: "/api/v1/device/poll", nonce };
      const { headers } = signRequestFor(signer, call, app.clock);
      return app.app.inject({ method: "GET", url: call.url, headers, remoteAddress: ATTACKER });
    };
    const limitHeaders = (res: LightMyRequestResponse) =>
      [res.statusCode, res.headers["x-ratelimit-limit"], res.headers["x-ratelimit-remaining"]].join(" ");
    let other: TestApp | undefined;
    let redis: Redis | undefined;
    afterEach(async () => {
      await other?.close();
      other = undefined;
      await redis?.quit();
      redis = undefined;
    });

    it("spends the nonce and counts the poll in one Redis command", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip");
      const sent = vi.spyOn(ctx().deps.redis!, "sendCommand");
      expect(limitHeaders(await pollOn(ctx(), owner.signer))).toBe("200 3 2");
      // One script call (EVAL the first time a connection sends it, EVALSHA after), not a SET and
      // then the plugin's count; the delivery bus's PUBLISH (heartbeats) is not the poll's.
      const commands = sent.mock.calls.map(([command]) => command.name).filter((n) => n !== "publish");
      sent.mockRestore();
      expect(commands).toHaveLength(1);
      expect(["eval", "evalsha"]).toContain(commands[0]);
      redis = new Redis(process.env.TEST_REDIS_URL!);
      expect(await redis.get(`${prefix}rl:device:${owner.signer.id}`)).toBe("1");
      expect(await redis.pttl(`${prefix}rl:device:${owner.signer.id}`)).toBeGreaterThan(55_000);
      expect(await redis.keys(`${prefix}nonce:${owner.signer.id}:*`)).toHaveLength(1);
    });

    it("counts a device's polls on every instance in one fixed window: limit, remaining, reset, then 429 with Retry-After", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip");
      other = await createTestApp({ env });
      const answers = [];
      for (const app of [ctx(), other, ctx(), other]) answers.push(await pollOn(app, owner.signer));
      expect(answers.map(limitHeaders)).toEqual(["200 3 2", "200 3 1", "200 3 0", "429 3 0"]);
      for (const res of answers) {
        expect(Number(res.headers["x-ratelimit-reset"])).toBeGreaterThanOrEqual(59);
        expect(Number(res.headers["x-ratelimit-reset"])).toBeLessThanOrEqual(60);
      }
      const limited = answers[3]!;
      expect(limited.json()).toMatchObject({
        code: "request.rate_limited",
        detail: "Too many requests from this device",
      });
      expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(59);
      // Another device has its own budget.
      const second = await createDeviceOwner(ctx().deps, "vip");
      expect(limitHeaders(await pollOn(other, second.signer))).toBe("200 3 2");
    });

    it("refuses a nonce replayed on another instance without counting it", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip");
      other = await createTestApp({ env });
      const nonce = `replayed-${randomBytes(8).toString("hex")}`;
      expect(limitHeaders(await pollOn(ctx(), owner.signer, nonce))).toBe("200 3 2");
      const replay = await pollOn(other, owner.signer, nonce);
      expect(replay.statusCode).toBe(401);
      expect(replay.headers["x-ratelimit-remaining"]).toBeUndefined();
      expect(limitHeaders(await pollOn(other, owner.signer))).toBe("200 3 1");
    });

    it("counts producers' signed publishes against the producer, with their nonces", async () => {
      const admin = await createUser(ctx().deps, { admin: true });
      const created = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/admin/producers",
        headers: admin.headers,
        payload: { name: "trend-bot" },
      });
      const producer = created.json() as { id: string; secret: string };
      const res = await signedInject(
        ctx().app,
        ctx().clock,
        { ...producer, idHeader: "x-producer-id" },
        {
          method: "POST",
          url: "/api/v1/signals",
          body: { instrument: "EURUSD", side: "buy", orderType: "market" },
        },
      );
      expect(res.statusCode, res.body).toBe(201);
      expect(res.headers["x-ratelimit-remaining"]).toBe("999");
      redis = new Redis(process.env.TEST_REDIS_URL!);
      expect(await redis.get(`${prefix}rl:producer:${producer.id}`)).toBe("1");
    });
  });

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
