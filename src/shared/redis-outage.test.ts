import { randomBytes } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../test/support/app";
import { resetDatabase, testDatabase } from "../../test/support/db";
import { createDeviceOwner } from "../../test/support/factories";
import { signedInject } from "../../test/support/signed";
import { tcpCut } from "../../test/support/tcp-cut";
import { AppError } from "./errors";
import { redisSignedAdmission } from "./http/signed-admission";
import { perMinute, redisRateLimiter } from "./rate-limit";
import { failClosedNonces, fallbackRateLimiter, REDIS_RETRY_SECONDS } from "./redis-outage";
import { redisNonceStore } from "./signing";

const logger = pino({ level: "silent" });

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A client of a Redis that is not there (nothing listens on port 1), bounded as deps.ts bounds it. */
const deadRedis = () =>
  new Redis({ host: "127.0.0.1", port: 1, maxRetriesPerRequest: 1, commandTimeout: 500, lazyConnect: true })
    // ioredis reports each failed attempt; the stores under test are what this test watches.
    .on("error", () => {});

describe("the Redis-backed stores while Redis is away", () => {
  const redis = deadRedis();
  afterAll(() => redis.disconnect());

  it("refuses a signed request's nonce with 503 service.unavailable and Retry-After, never accepting it unchecked", async () => {
    const nonces = failClosedNonces(redisNonceStore(redis), logger);
    const refused = await nonces.remember("dev_1", "n".repeat(20)).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      code: "service.unavailable",
      status: 503,
      headers: { "retry-after": String(REDIS_RETRY_SECONDS) },
    });
  });

  it("refuses a signed request whose nonce and count go in one call with the same 503, counting nothing", async () => {
    const admission = redisSignedAdmission(redis, {
      keyPrefix: "sd:",
      budgets: { ip: 10, user: 10, device: 10, producer: 10 },
      logger,
    });
    const request = { headers: {}, routeOptions: { config: {} } } as FastifyRequest;
    const refused = await admission
      .forRequest(request)
      .remember("dev_1", "n".repeat(20))
      .catch((err: unknown) => err);
    expect(refused).toMatchObject({
      code: "service.unavailable",
      status: 503,
      headers: { "retry-after": String(REDIS_RETRY_SECONDS) },
    });
    expect(request.signedWindowCount).toBeUndefined();
  });

  it("paces the bot's sends by this instance's own buckets instead of failing them", async () => {
    const limiter = fallbackRateLimiter(redisRateLimiter(redis), logger);
    const rule = perMinute(2);
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push((await limiter.take("tg:chat:1", rule, 1_000)).allowed);
    expect(decisions).toEqual([true, true, false]);
  });
});

// The whole server with its Redis behind a relay the test cuts (only with a Redis to relay to).
if (process.env.TEST_REDIS_URL) {
  describe("a server whose Redis goes away and comes back", () => {
    let relay: Awaited<ReturnType<typeof tcpCut>>;
    let app: TestApp;
    const prefix = `t${randomBytes(4).toString("hex")}:`;
    beforeAll(async () => {
      const target = new URL(process.env.TEST_REDIS_URL!);
      relay = await tcpCut({ host: target.hostname, port: Number(target.port || 6379) });
    });
    afterAll(() => relay.close());
    afterEach(async () => {
      relay.heal();
      await app?.close();
      vi.restoreAllMocks();
    });

    const start = async () => {
      await resetDatabase(await testDatabase());
      app = await createTestApp({
        env: {
          REDIS_URL: relay.through(process.env.TEST_REDIS_URL!),
          REDIS_KEY_PREFIX: prefix,
          RATE_LIMIT_IP_PER_MINUTE: "3",
        },
      });
      return app;
    };
    const catalog = (remoteAddress: string) =>
      app.app.inject({ method: "GET", url: "/api/v1/catalog", remoteAddress });

    it("refuses signed polls with 503 while away and serves them again once Redis is back, without a restart", async () => {
      const errors = vi.spyOn(console, "error");
      await start();
      const owner = await createDeviceOwner(app.deps, "vip");
      const poll = () =>
        signedInject(app.app, app.clock, owner.signer, { method: "GET", url: "/api/v1/device/poll" });
      expect((await poll()).statusCode).toBe(200);

      relay.cut();
      const refused = await poll();
      expect(refused.statusCode).toBe(503);
      expect(refused.headers["content-type"]).toContain("application/problem+json");
      expect(refused.json().code).toBe("service.unavailable");
      expect(refused.headers["retry-after"]).toBe(String(REDIS_RETRY_SECONDS));

      relay.heal();
      await eventually(async () => (await poll()).statusCode === 200);
      // ioredis prints connection errors nobody listens for as "Unhandled error event".
      expect(errors.mock.calls.flat().join(" ")).not.toContain("Unhandled error");
    });

    it("counts HTTP limits in this instance's memory while away, and in Redis again once it is back", async () => {
      await start();
      relay.cut();
      const away = [];
      for (let i = 0; i < 4; i++) away.push((await catalog("192.0.2.60")).statusCode);
      expect(away).toEqual([200, 200, 200, 429]);

      relay.heal();
      const direct = new Redis(process.env.TEST_REDIS_URL!);
      try {
        await eventually(async () => {
          await catalog("192.0.2.61");
          return (await direct.get(`${prefix}rl:ip:192.0.2.61`)) !== null;
        });
      } finally {
        await direct.quit();
      }
    });
  });
}
