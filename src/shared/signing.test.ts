import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "./clock";
import {
  canonicalString,
  deriveSecret,
  memoryNonceStore,
  type NonceStore,
  redisNonceStore,
  type SignedHeadersInput,
  signedHeaders,
  signRequest,
  verifySignature,
} from "./signing";

// The pinned vector, also checked by clients/python/test_signing_vector.py and quoted in
// docs/device-protocol.md: three independent implementations must agree byte for byte.
const MASTER_KEY = "example-master-key-0123456789abcdef";
const DEVICE = "dev_01KAB3N5QJ7X2M9P4R6T8V0W2Y";
const SECRET = "HohInMNeWdkOO--R9O7aTHct2i90OB5L0f345u-XsUQ";
const POLL = {
  method: "GET",
  pathWithQuery: "/api/v1/device/poll?wait=25",
  timestamp: 1795255200,
  nonce: "b7Qm2xVt9LkP4sRz",
  body: "",
};
const FILL = {
  method: "POST",
  pathWithQuery: "/api/v1/device/fill",
  timestamp: 1795255202,
  nonce: "Zr4d8N1cQp7WfT3yHs6k",
  body: '{"signalId":"sig_01KAB3P0000000000000000000","price":1.08542,"volume":0.1,"brokerTicket":"123456789"}',
};

interface SignedRequest {
  method: string;
  pathWithQuery: string;
  body: Buffer | string;
  headers: Record<string, unknown>;
}

let clock: ManualClock;
let nonces: NonceStore;

beforeEach(() => {
  clock = new ManualClock("2026-11-21T10:00:00.000Z");
  nonces = memoryNonceStore({ clock });
});

function signed(over: Partial<SignedHeadersInput> = {}, secret = SECRET): SignedRequest {
  const input: SignedHeadersInput = {
    id: DEVICE,
    idHeader: "x-device-id",
    method: "POST",
    pathWithQuery: "/api/v1/device/ack",
    body: '{"signalId":"sig_1"}',
    now: clock.now(),
    ...over,
  };
  const { method, pathWithQuery, body } = input;
  return { method, pathWithQuery, body, headers: signedHeaders(secret, input) };
}

function verify(req: SignedRequest, secrets: Record<string, string> = { [DEVICE]: SECRET }) {
  return verifySignature({
    idHeader: "x-device-id",
    ...req,
    lookupSecret: async (id) => secrets[id] ?? null,
    clock,
    nonces,
  });
}

const secondsFromNow = (s: number) => new Date(clock.now().getTime() + s * 1000);

describe("the canonical request and its signature", () => {
  it("derive the example device secret from the master key", () => {
    expect(deriveSecret(MASTER_KEY, "device", DEVICE, 1)).toBe(SECRET);
  });

  it("sign the example poll exactly as pinned, hashing its empty body as the empty string", () => {
    expect(canonicalString(POLL)).toBe(
      "GET\n/api/v1/device/poll?wait=25\n1795255200\nb7Qm2xVt9LkP4sRz\n" +
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    expect(signRequest(SECRET, POLL)).toBe(
      "c0d49dfc37596d15fb3dcbfae31d44204d03aaf3efcaf996a95f78282bf10317",
    );
  });

  it("sign the example fill exactly as pinned, whether the body is a string or its bytes", () => {
    const expected = "f0e96a0cdbafff49b38fd45eca70a7ac5b4c0235b367e94b98d793d51757cc76";
    expect(signRequest(SECRET, FILL)).toBe(expected);
    expect(signRequest(SECRET, { ...FILL, body: Buffer.from(FILL.body) })).toBe(expected);
  });

  it("give different secrets to a device and a producer, to other ids and to other key versions", () => {
    const secrets = [
      deriveSecret(MASTER_KEY, "device", DEVICE, 1),
      deriveSecret(MASTER_KEY, "producer", DEVICE, 1),
      deriveSecret(MASTER_KEY, "device", "dev_other", 1),
      deriveSecret(MASTER_KEY, "device", DEVICE, 2),
      deriveSecret(`${MASTER_KEY}x`, "device", DEVICE, 1),
    ];
    expect(new Set(secrets).size).toBe(secrets.length);
    for (const s of secrets) expect(s).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

const method = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE");
const pathWithQuery = fc
  .tuple(fc.webPath(), fc.option(fc.webQueryParameters(), { nil: undefined }))
  .map(([path, query]) => `/${path.replace(/^\/+/, "")}${query === undefined ? "" : `?${query}`}`);
const body = fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes));
const nonceChar = fc.constantFrom(..."ABCXYZabcxyz0189_-");

/** Replaces the character at `index` (mod length) by a different one. */
function changeOneChar(text: string, index: number, replacement: string): string {
  const i = index % text.length;
  const other = text[i] === replacement ? (replacement === "0" ? "1" : "0") : replacement;
  return text.slice(0, i) + other + text.slice(i + 1);
}

describe("signed requests, for any method, path and body", () => {
  it("a request signed with the device secret is accepted as that device", async () => {
    await fc.assert(
      fc.asyncProperty(method, pathWithQuery, body, async (m, p, b) => {
        nonces = memoryNonceStore({ clock });
        expect(await verify(signed({ method: m, pathWithQuery: p, body: b }))).toEqual({
          ok: true,
          id: DEVICE,
        });
      }),
    );
  });

  it("changing any single byte of the body after signing breaks the signature", async () => {
    const nonEmptyBody = fc.uint8Array({ minLength: 1, maxLength: 256 }).map((bytes) => Buffer.from(bytes));
    await fc.assert(
      fc.asyncProperty(nonEmptyBody, fc.nat(), fc.integer({ min: 1, max: 255 }), async (b, at, flip) => {
        const req = signed({ body: b });
        const tampered = Buffer.from(b);
        tampered[at % b.length]! ^= flip;
        expect(await verify({ ...req, body: tampered })).toEqual({ ok: false, reason: "bad_signature" });
      }),
    );
  });

  it("changing any single character of the path, timestamp or nonce breaks the request", async () => {
    const header = fc.constantFrom("pathWithQuery", "x-timestamp", "x-nonce");
    const replacement = fc.oneof(nonceChar, fc.constantFrom(..."0123456789/?=&"));
    await fc.assert(
      fc.asyncProperty(pathWithQuery, header, fc.nat(), replacement, async (p, field, at, char) => {
        nonces = memoryNonceStore({ clock });
        const req = signed({ pathWithQuery: p });
        const tampered =
          field === "pathWithQuery"
            ? { ...req, pathWithQuery: changeOneChar(p, at, char) }
            : {
                ...req,
                headers: { ...req.headers, [field]: changeOneChar(String(req.headers[field]), at, char) },
              };
        expect((await verify(tampered)).ok).toBe(false);
      }),
    );
  });

  it("a request signed with any other secret is refused", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), async (other) => {
        fc.pre(other !== SECRET);
        expect(await verify(signed({}, other))).toEqual({ ok: false, reason: "bad_signature" });
      }),
    );
  });

  it("garbage headers are refused and never throw", async () => {
    const headers = fc.dictionary(
      fc.constantFrom("x-device-id", "x-timestamp", "x-nonce", "x-signature", "x-other"),
      fc.anything(),
    );
    await fc.assert(
      fc.asyncProperty(headers, method, fc.string(), async (h, m, p) => {
        const result = await verify({ method: m, pathWithQuery: p, body: "", headers: h });
        expect(result.ok).toBe(false);
      }),
    );
  });
});

describe("the clock window", () => {
  it.each([300, -300])("a request stamped %i s from server time is accepted", async (offset) => {
    expect(await verify(signed({ now: secondsFromNow(offset) }))).toEqual({ ok: true, id: DEVICE });
  });

  it.each([301, -301])("a request stamped %i s from server time is refused as stale", async (offset) => {
    expect(await verify(signed({ now: secondsFromNow(offset) }))).toEqual({
      ok: false,
      reason: "stale_timestamp",
    });
  });
});

describe("nonces", () => {
  it("a replayed request is refused", async () => {
    const req = signed();
    expect((await verify(req)).ok).toBe(true);
    expect(await verify(req)).toEqual({ ok: false, reason: "replayed_nonce" });
  });

  it("a nonce stays spent for as long as its timestamp could still pass the clock check", async () => {
    const req = signed({ now: secondsFromNow(300) });
    expect((await verify(req)).ok).toBe(true);
    clock.advance(599_000);
    expect(await verify(req)).toEqual({ ok: false, reason: "replayed_nonce" });
  });

  it("another device may use the same nonce", async () => {
    const secrets = { [DEVICE]: SECRET, dev_other: "other-secret" };
    const nonce = "shared-nonce-0123456789";
    expect((await verify(signed({ nonce }), secrets)).ok).toBe(true);
    expect(await verify(signed({ nonce, id: "dev_other" }, "other-secret"), secrets)).toEqual({
      ok: true,
      id: "dev_other",
    });
  });

  it("a forged request cannot burn the nonce the real device is about to use", async () => {
    const nonce = "next-nonce-of-the-device";
    expect(await verify(signed({ nonce }, "guessed-secret"))).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verify(signed({ nonce, now: secondsFromNow(500) }))).toEqual({
      ok: false,
      reason: "stale_timestamp",
    });
    expect((await verify(signed({ nonce }))).ok).toBe(true);
  });

  it("the memory store forgets a nonce once its time to live has passed", async () => {
    expect(await nonces.remember(DEVICE, "nonce-0123456789abc", 600)).toBe(true);
    clock.advance(599_999);
    expect(await nonces.remember(DEVICE, "nonce-0123456789abc", 600)).toBe(false);
    clock.advance(1);
    expect(await nonces.remember(DEVICE, "nonce-0123456789abc", 600)).toBe(true);
    clock.advance(3_600_000);
    expect(await nonces.remember(DEVICE, "nonce-0123456789abc")).toBe(true);
  });
});

describe("malformed credentials", () => {
  it.each(["x-device-id", "x-timestamp", "x-nonce", "x-signature"])(
    "a request without %s is refused as missing a header",
    async (name) => {
      const req = signed();
      const { [name]: _dropped, ...headers } = req.headers;
      expect(await verify({ ...req, headers })).toEqual({ ok: false, reason: "missing_header" });
    },
  );

  it("a device-signed request does not pass as a producer", async () => {
    const result = await verifySignature({
      idHeader: "x-producer-id",
      ...signed(),
      lookupSecret: async () => SECRET,
      clock,
      nonces,
    });
    expect(result).toEqual({ ok: false, reason: "missing_header" });
  });

  it("an unknown or revoked device is refused even with a well-formed signature", async () => {
    expect(await verify(signed(), {})).toEqual({ ok: false, reason: "unknown_id" });
  });

  it.each([
    ["uppercase", (s: string) => s.toUpperCase()],
    ["short", (s: string) => s.slice(0, 10)],
    ["one character short", (s: string) => s.slice(1)],
    ["one character long", (s: string) => `${s}0`],
    ["not hex", (s: string) => `zz${s.slice(2)}`],
    ["base64", (s: string) => Buffer.from(s, "hex").toString("base64")],
  ])("a %s signature is refused without throwing", async (_label, garble) => {
    const req = signed();
    const headers = { ...req.headers, "x-signature": garble(String(req.headers["x-signature"])) };
    expect(await verify({ ...req, headers })).toEqual({ ok: false, reason: "bad_header" });
  });

  it.each([
    ["x-timestamp", "1795255200.5"],
    ["x-timestamp", "-1795255200"],
    ["x-nonce", "too-short"],
    ["x-nonce", "has spaces in it, 0123456789"],
    ["x-nonce", "n".repeat(65)],
    ["x-device-id", "dev:with:colons"],
    ["x-device-id", ["dev_a", "dev_b"]],
  ])("a request whose %s is %j is refused as a bad header", async (name, value) => {
    const req = signed();
    expect(await verify({ ...req, headers: { ...req.headers, [name]: value } })).toEqual({
      ok: false,
      reason: "bad_header",
    });
  });
});

// Only when the run has a Redis (CI sets TEST_REDIS_URL on both passes).
if (process.env.TEST_REDIS_URL) {
  describe("the Redis nonce store", () => {
    const prefix = `sd:test:nonce:${randomUUID()}:`;
    let redis: Redis;

    beforeAll(() => {
      redis = new Redis(process.env.TEST_REDIS_URL!);
    });

    afterAll(async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    });

    it("accepts a nonce once per device and expires it after ten minutes", async () => {
      const store = redisNonceStore(redis, prefix);
      expect(await store.remember(DEVICE, "redis-nonce-0123456789")).toBe(true);
      expect(await store.remember(DEVICE, "redis-nonce-0123456789")).toBe(false);
      expect(await store.remember("dev_other", "redis-nonce-0123456789")).toBe(true);
      const ttl = await redis.ttl(`${prefix}${DEVICE}:redis-nonce-0123456789`);
      expect(ttl).toBeGreaterThan(590);
      expect(ttl).toBeLessThanOrEqual(600);
    });

    it("refuses a request replayed against another instance sharing the same Redis", async () => {
      const req = signed();
      nonces = redisNonceStore(redis, prefix);
      expect((await verify(req)).ok).toBe(true);
      const otherInstance = new Redis(process.env.TEST_REDIS_URL!);
      try {
        nonces = redisNonceStore(otherInstance, prefix);
        expect(await verify(req)).toEqual({ ok: false, reason: "replayed_nonce" });
      } finally {
        await otherInstance.quit();
      }
    });
  });
}
