import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { memoryRateLimiter, perMinute, type RateLimiter, redisRateLimiter } from "./rate-limit";

function behavesAsTokenBucket(name: string, make: () => RateLimiter) {
  describe(name, () => {
    const key = `test:${process.pid}:${Math.random()}`;
    it("allows the burst, refuses the next with Retry-After, and refills over time", async () => {
      const limiter = make();
      const rule = { capacity: 5, refillPerSecond: 1 };
      const t0 = 1_000_000;
      for (let i = 0; i < 5; i++) expect((await limiter.take(key, rule, t0)).allowed).toBe(true);
      expect(await limiter.take(key, rule, t0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
      expect((await limiter.take(key, rule, t0 + 1000)).allowed).toBe(true);
      expect((await limiter.take(key, rule, t0 + 1000)).allowed).toBe(false);
    });

    it("keeps separate buckets per key", async () => {
      const limiter = make();
      const rule = perMinute(1);
      expect((await limiter.take(`${key}:a`, rule, 5)).allowed).toBe(true);
      expect((await limiter.take(`${key}:b`, rule, 5)).allowed).toBe(true);
      const refused = await limiter.take(`${key}:a`, rule, 5);
      expect(refused).toEqual({ allowed: false, retryAfterSeconds: 60 });
    });
  });
}

behavesAsTokenBucket("in-memory rate limiter", memoryRateLimiter);

// Only when the run has a Redis (CI sets TEST_REDIS_URL on both passes).
if (process.env.TEST_REDIS_URL) {
  describe("Redis rate limiter", () => {
    const redis = new Redis(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true });
    afterAll(() => redis.quit());
    behavesAsTokenBucket("shared through Redis", () => redisRateLimiter(redis, `sd:test:${process.pid}:`));
  });
}
