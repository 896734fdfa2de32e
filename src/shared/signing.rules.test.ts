import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ManualClock } from "./clock";
import {
  canonicalString,
  MAX_SKEW_SECONDS,
  memoryNonceStore,
  NONCE_TTL_SECONDS,
  newNonce,
  redisNonceStore,
  signedHeaders,
  signRequest,
  verifySignature,
} from "./signing";

// Replay and header rules of signed requests that mutation testing found unpinned (issue 20).

const T0 = new Date("2026-11-21T10:00:00.000Z");
const DEVICE = "dev_01KAB3N5QJ7X2M9P4R6T8V0W2Y";
const SECRET = "device-secret-for-these-tests";
const NONCE = "nonce-0123456789abc";

describe("the memory nonce store", () => {
  it("a nonce spent again after its TTL stays refused for the whole of its new TTL", async () => {
    const clock = new ManualClock(T0);
    const nonces = memoryNonceStore({ clock });
    expect(await nonces.remember(DEVICE, NONCE, 600)).toBe(true);
    // Past the first TTL the nonce may be spent again (its timestamp could no longer pass)...
    clock.advance(601_000);
    expect(await nonces.remember(DEVICE, NONCE, 600)).toBe(true);
    // ...and the sweep of the minute the first spending expired in must not forget the second.
    for (let minute = 1; minute <= 9; minute++) {
      clock.advance(60_000);
      expect(await nonces.remember(DEVICE, NONCE, 600)).toBe(false);
    }
    clock.advance(59_000);
    expect(await nonces.remember(DEVICE, NONCE, 600)).toBe(false);
    clock.advance(1_000);
    expect(await nonces.remember(DEVICE, NONCE, 600)).toBe(true);
  });

  it("keeps a nonce refused through the sweeps of later minutes, up to its last millisecond", async () => {
    const clock = new ManualClock(T0);
    const nonces = memoryNonceStore({ clock });
    expect(await nonces.remember(DEVICE, NONCE)).toBe(true);
    for (let elapsed = 0; elapsed < NONCE_TTL_SECONDS * 1000 - 30_000; elapsed += 30_000) {
      clock.advance(30_000);
      // Another nonce each step, so every step sweeps.
      expect(await nonces.remember(DEVICE, `other-${elapsed}-0123456789`)).toBe(true);
      expect(await nonces.remember(DEVICE, NONCE)).toBe(false);
    }
    clock.set(new Date(T0.getTime() + NONCE_TTL_SECONDS * 1000 - 1));
    expect(await nonces.remember(DEVICE, NONCE)).toBe(false);
    clock.advance(1);
    expect(await nonces.remember(DEVICE, NONCE)).toBe(true);
  });

  it("holds only the nonces of the last TTL, however long it runs", async () => {
    const clock = new ManualClock(T0);
    const nonces = memoryNonceStore({ clock });
    // One request every 6 s for 20 minutes, each nonce kept 600 s.
    for (let i = 0; i < 200; i++) {
      expect(await nonces.remember(DEVICE, `steady-${i}-0123456789`, 600)).toBe(true);
      clock.advance(6_000);
    }
    // Held: the last 600 s of nonces, plus those of the minute not swept yet.
    expect(nonces.size()).toBeLessThanOrEqual(110);
    expect(nonces.size()).toBeGreaterThanOrEqual(100);
    clock.advance(661_000);
    expect(await nonces.remember(DEVICE, "after-the-quiet-0123", 600)).toBe(true);
    expect(nonces.size()).toBe(1);
  });

  it("forgets a nonce in the first sweep after the minute its TTL ends in, not before", async () => {
    const clock = new ManualClock(T0);
    const nonces = memoryNonceStore({ clock });
    // T0 is on a whole minute: the nonce's TTL ends on the next whole minute, 600 s later.
    expect(await nonces.remember(DEVICE, NONCE, 600)).toBe(true);
    clock.set(new Date(T0.getTime() + 600_000));
    expect(await nonces.remember(DEVICE, "probe-a-0123456789", 600)).toBe(true);
    expect(nonces.size()).toBe(2);
    clock.set(new Date(T0.getTime() + 660_000 - 1));
    expect(await nonces.remember(DEVICE, "probe-b-0123456789", 600)).toBe(true);
    expect(nonces.size()).toBe(3);
    clock.set(new Date(T0.getTime() + 660_000));
    expect(await nonces.remember(DEVICE, "probe-c-0123456789", 600)).toBe(true);
    expect(nonces.size()).toBe(3);
  });

  it("by default a nonce stays spent for twice the allowed clock skew", async () => {
    expect(NONCE_TTL_SECONDS).toBe(2 * MAX_SKEW_SECONDS);
    expect(MAX_SKEW_SECONDS).toBe(300);
    const clock = new ManualClock(T0);
    const nonces = memoryNonceStore({ clock });
    expect(await nonces.remember(DEVICE, NONCE)).toBe(true);
    clock.advance(NONCE_TTL_SECONDS * 1000 - 1);
    expect(await nonces.remember(DEVICE, NONCE)).toBe(false);
    clock.advance(1);
    expect(await nonces.remember(DEVICE, NONCE)).toBe(true);
  });

  it("tells devices apart even when ids and nonces could run together", async () => {
    const nonces = memoryNonceStore({ clock: new ManualClock(T0) });
    expect(await nonces.remember("dev_a", "bnonce-0123456789")).toBe(true);
    expect(await nonces.remember("dev_ab", "nonce-0123456789")).toBe(true);
    expect(await nonces.remember("dev_a", "bnonce-0123456789")).toBe(false);
  });
});

describe("signed headers", () => {
  const sign = (over: { nonce?: string; now?: Date; id?: string } = {}) =>
    signedHeaders(SECRET, {
      id: over.id ?? DEVICE,
      idHeader: "x-device-id",
      method: "get",
      pathWithQuery: "/api/v1/device/poll?wait=20",
      body: "",
      now: over.now ?? T0,
      nonce: over.nonce ?? NONCE,
    });

  const verify = (headers: Record<string, unknown>, clock = new ManualClock(T0)) =>
    verifySignature({
      idHeader: "x-device-id",
      headers,
      method: "GET",
      pathWithQuery: "/api/v1/device/poll?wait=20",
      lookupSecret: async (id) => (id === DEVICE || id === "d" ? SECRET : null),
      clock,
      nonces: memoryNonceStore({ clock }),
    });

  it("carry the id, the whole-second timestamp, the nonce and the signature of the canonical request", () => {
    const headers = sign({ now: new Date(T0.getTime() + 999) });
    const timestamp = String(T0.getTime() / 1000);
    expect(headers).toEqual({
      "x-device-id": DEVICE,
      "x-timestamp": timestamp,
      "x-nonce": NONCE,
      "x-signature": signRequest(SECRET, {
        method: "GET",
        pathWithQuery: "/api/v1/device/poll?wait=20",
        timestamp,
        nonce: NONCE,
        body: "",
      }),
    });
    expect(
      canonicalString({ method: "get", pathWithQuery: "/p", timestamp: 1, nonce: "n", body: "" }).split("\n"),
    ).toEqual(["GET", "/p", "1", "n", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]);
    expect(
      canonicalString({ method: "POST", pathWithQuery: "/p", timestamp: 1, nonce: "n", body: "abc" }).split(
        "\n",
      )[4],
    ).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("a fresh nonce each time, in the alphabet and length the server accepts", () => {
    const a = newNonce();
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(newNonce()).not.toBe(a);
    const unsigned = {
      id: DEVICE,
      idHeader: "x-device-id" as const,
      method: "GET",
      pathWithQuery: "/p",
      body: "",
      now: T0,
    };
    const first = signedHeaders(SECRET, unsigned)["x-nonce"];
    expect(first).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(signedHeaders(SECRET, unsigned)["x-nonce"]).not.toBe(first);
  });

  it("accept the widest header values the protocol allows", async () => {
    expect(await verify(sign({ id: "d" }))).toEqual({ ok: true, id: "d" });
    expect(await verify(sign({ nonce: "a".repeat(16) }))).toMatchObject({ ok: true });
    expect(await verify(sign({ nonce: "Az09_-".repeat(10).slice(0, 64) }))).toMatchObject({ ok: true });
  });

  it.each([
    ["an id with a space", { "x-device-id": `${DEVICE} ` }],
    ["an id with a prefix", { "x-device-id": `/${DEVICE}` }],
    ["an id over 128 characters", { "x-device-id": "d".repeat(129) }],
    ["a timestamp with a sign", { "x-timestamp": `+${T0.getTime() / 1000}` }],
    ["a timestamp with a suffix", { "x-timestamp": `${T0.getTime() / 1000}s` }],
    ["a timestamp of 13 digits", { "x-timestamp": "1".repeat(13) }],
    ["a nonce of 15 characters", { "x-nonce": "a".repeat(15) }],
    ["a nonce of 65 characters", { "x-nonce": "a".repeat(65) }],
    ["a nonce with a dot", { "x-nonce": `${NONCE}.` }],
    ["a nonce with a leading space", { "x-nonce": ` ${NONCE}` }],
    ["a signature with a prefix", { "x-signature": `0${"a".repeat(64)}`.slice(0, 65) }],
    ["a signature with a suffix", { "x-signature": `${"a".repeat(64)}g` }],
    ["a signature with a leading space", { "x-signature": ` ${"a".repeat(63)}` }],
    ["a signature of 63 hex digits and a letter", { "x-signature": `${"a".repeat(63)}z` }],
    ["an id that is not text", { "x-device-id": 42 }],
    ["a timestamp that is not text", { "x-timestamp": 1 }],
    ["a nonce that is not text", { "x-nonce": ["a".repeat(20)] }],
    ["a signature that is not text", { "x-signature": { hex: "a" } }],
    ["a signature in a list", { "x-signature": ["a".repeat(64)] }],
  ])("refuse %s as a bad header", async (_what, change) => {
    expect(await verify({ ...sign(), ...change })).toEqual({ ok: false, reason: "bad_header" });
  });

  it.each(["x-device-id", "x-timestamp", "x-nonce", "x-signature"])(
    "refuse an empty %s as missing",
    async (h) => {
      expect(await verify({ ...sign(), [h]: "" })).toEqual({ ok: false, reason: "missing_header" });
    },
  );
});

// Only when the run has a Redis (CI sets TEST_REDIS_URL on both passes).
if (process.env.TEST_REDIS_URL) {
  describe("the Redis nonce store's keys", () => {
    it("file a nonce under sd:nonce:<id>:<nonce> by default, for twice the allowed skew", async () => {
      const { Redis } = await import("ioredis");
      const redis = new Redis(process.env.TEST_REDIS_URL!);
      const nonce = `default-prefix-${randomUUID()}`;
      const key = `sd:nonce:${DEVICE}:${nonce}`;
      try {
        const store = redisNonceStore(redis);
        expect(await store.remember(DEVICE, nonce)).toBe(true);
        expect(await redis.exists(key)).toBe(1);
        const ttl = await redis.ttl(key);
        expect(ttl).toBeGreaterThan(NONCE_TTL_SECONDS - 10);
        expect(ttl).toBeLessThanOrEqual(NONCE_TTL_SECONDS);
        expect(await store.remember(DEVICE, nonce, 5)).toBe(false);
      } finally {
        await redis.del(key);
        await redis.quit();
      }
    });
  });
}
