import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Redis } from "ioredis";
import type { Clock } from "./clock";

/** A signed request may be this far from server time, either way (API.md §7.1). */
export const MAX_SKEW_SECONDS = 300;
/** How long a nonce stays spent: the full window in which its timestamp could still pass the skew check. */
export const NONCE_TTL_SECONDS = 2 * MAX_SKEW_SECONDS;

export type SignerKind = "device" | "producer";
export type IdHeader = "x-device-id" | "x-producer-id";

export interface CanonicalParts {
  method: string;
  /** The request target exactly as sent, e.g. `/api/v1/device/poll?wait=20`. */
  pathWithQuery: string;
  /** Unix seconds. */
  timestamp: number | string;
  nonce: string;
  body: Buffer | string;
}

const sha256Hex = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
/** Every poll has an empty body: its hash is computed once, not per request. */
const EMPTY_BODY_HASH = sha256Hex("");

export function canonicalString(parts: CanonicalParts): string {
  // Stryker disable next-line ConditionalExpression: hashing an empty body gives EMPTY_BODY_HASH too
  const bodyHash = parts.body.length === 0 ? EMPTY_BODY_HASH : sha256Hex(parts.body);
  return [
    parts.method.toUpperCase(),
    parts.pathWithQuery,
    String(parts.timestamp),
    parts.nonce,
    bodyHash,
  ].join("\n");
}

/** Lowercase hex HMAC-SHA256 of the canonical string, keyed by the UTF-8 bytes of the secret. */
export function signRequest(secret: string, parts: CanonicalParts): string {
  return createHmac("sha256", secret).update(canonicalString(parts)).digest("hex");
}

/**
 * Secrets are derived, never stored, so a stolen database alone cannot sign requests;
 * bumping keyVersion is a rotation that invalidates the old secret at once.
 */
export function deriveSecret(masterKey: string, kind: SignerKind, id: string, keyVersion: number): string {
  return createHmac("sha256", masterKey).update(`${kind}:${id}:${keyVersion}`).digest("base64url");
}

export function newNonce(): string {
  return randomBytes(18).toString("base64url");
}

export interface SignedHeadersInput {
  id: string;
  idHeader: IdHeader;
  method: string;
  pathWithQuery: string;
  body: Buffer | string;
  now: Date;
  nonce?: string;
}

/** The four headers of a signed request, for the device simulator, the publish CLI and tests. */
export function signedHeaders(secret: string, input: SignedHeadersInput): Record<string, string> {
  const timestamp = Math.floor(input.now.getTime() / 1000);
  const nonce = input.nonce ?? newNonce();
  const signature = signRequest(secret, { ...input, timestamp, nonce });
  return {
    [input.idHeader]: input.id,
    "x-timestamp": String(timestamp),
    "x-nonce": nonce,
    "x-signature": signature,
  };
}

/**
 * Remembers (id, nonce) pairs; `remember` is true only the first time within the TTL. The
 * memory store answers at once (no promise: the signed poll checks a nonce on every request),
 * Redis with a promise.
 */
export interface NonceStore {
  remember(id: string, nonce: string, ttlSeconds?: number): boolean | Promise<boolean>;
}

/** A store other instances share (Redis): it always answers with a promise. */
export interface SharedNonceStore extends NonceStore {
  remember(id: string, nonce: string, ttlSeconds?: number): Promise<boolean>;
}

const BUCKET_MS = 60_000;

/**
 * Nonces are filed under the minute they expire in, so each call drops whole past minutes and
 * memory stays proportional to the traffic of the last TTL rather than growing forever.
 */
export function memoryNonceStore({ clock }: { clock: Clock }): NonceStore & { size(): number } {
  const expiries = new Map<string, number>();
  const buckets = new Map<number, string[]>();
  const sweep = (now: number) => {
    for (const [bucket, keys] of buckets) {
      if ((bucket + 1) * BUCKET_MS > now) continue;
      for (const key of keys) {
        // Stryker disable next-line EqualityOperator: a bucket is swept after its minute, so its keys' expiry is past or renewed
        if ((expiries.get(key) ?? Number.POSITIVE_INFINITY) <= now) expiries.delete(key);
      }
      buckets.delete(bucket);
    }
  };
  // A bucket can only be dropped once its minute is over, so sweeping more than once a minute
  // finds nothing: every remember() walked all the buckets (~0.7 % of a signed poll's CPU).
  // Whether a nonce is spent is decided by its own expiry below, swept or not.
  let nextSweepAt = 0;
  return {
    remember(id, nonce, ttlSeconds = NONCE_TTL_SECONDS) {
      const now = clock.now().getTime();
      if (now >= nextSweepAt) {
        sweep(now);
        nextSweepAt = (Math.floor(now / BUCKET_MS) + 1) * BUCKET_MS;
      }
      const key = `${id}\n${nonce}`;
      const expiresAt = expiries.get(key);
      if (expiresAt !== undefined && expiresAt > now) return false;
      const until = now + ttlSeconds * 1000;
      expiries.set(key, until);
      const bucket = Math.floor(until / BUCKET_MS);
      const keys = buckets.get(bucket);
      if (keys) keys.push(key);
      else buckets.set(bucket, [key]);
      return true;
    },
    /** Nonces held now: the traffic of the last TTL (and a minute), however long it runs. */
    size: () => expiries.size,
  };
}

/** One atomic SET NX per nonce, so instances sharing Redis can never both accept the same one. */
export function redisNonceStore(redis: Redis, prefix = "sd:nonce:"): SharedNonceStore {
  return {
    async remember(id, nonce, ttlSeconds = NONCE_TTL_SECONDS) {
      // Stryker disable next-line StringLiteral: the value is never read; the key is the record
      const reply = await redis.set(`${prefix}${id}:${nonce}`, "1", "EX", ttlSeconds, "NX");
      return reply === "OK";
    },
  };
}

export type RejectionReason =
  | "missing_header"
  | "bad_header"
  | "stale_timestamp"
  | "unknown_id"
  | "bad_signature"
  | "replayed_nonce";

export type SignatureCheck = { ok: true; id: string } | { ok: false; reason: RejectionReason };

export interface VerifyInput {
  idHeader: IdHeader;
  headers: Record<string, unknown>;
  method: string;
  /** The raw request target (path and query) exactly as received. */
  pathWithQuery: string;
  body?: Buffer | string;
  /** The current secret for an id, or null when the id is unknown or revoked (at once when it can). */
  lookupSecret: (id: string) => string | null | Promise<string | null>;
  clock: Clock;
  nonces: NonceStore;
}

const ID_RE = /^[A-Za-z0-9_-]{1,128}$/;
const TIMESTAMP_RE = /^[0-9]{1,12}$/;
const NONCE_RE = /^[A-Za-z0-9_-]{16,64}$/;
const SIGNATURE_RE = /^[0-9a-f]{64}$/;

function readHeaders(headers: Record<string, unknown>, idHeader: IdHeader) {
  const values = [headers[idHeader], headers["x-timestamp"], headers["x-nonce"], headers["x-signature"]];
  if (values.some((v) => v === undefined || v === "")) return "missing_header" as const;
  const [id, timestamp, nonce, signature] = values;
  if (typeof id !== "string" || !ID_RE.test(id)) return "bad_header" as const;
  if (typeof timestamp !== "string" || !TIMESTAMP_RE.test(timestamp)) return "bad_header" as const;
  if (typeof nonce !== "string" || !NONCE_RE.test(nonce)) return "bad_header" as const;
  if (typeof signature !== "string" || !SIGNATURE_RE.test(signature)) return "bad_header" as const;
  return { id, timestamp, nonce, signature };
}

// Constant-time so response timing reveals nothing about how much of a forged signature was right.
function signaturesMatch(expectedHex: string, givenHex: string): boolean {
  const expected = Buffer.from(expectedHex, "hex");
  const given = Buffer.from(givenHex, "hex");
  // Stryker disable next-line ConditionalExpression: the header pattern admits 64 hex digits only, so lengths match
  return expected.length === given.length && timingSafeEqual(expected, given);
}

type SignedHeaders = Exclude<ReturnType<typeof readHeaders>, RejectionReason>;
const SPENT_NONCE: SignatureCheck = { ok: false, reason: "replayed_nonce" };
const spent = (id: string, first: boolean): SignatureCheck => (first ? { ok: true, id } : SPENT_NONCE);

/**
 * Checks a signed request. The nonce is spent only after the signature holds, so unsigned
 * garbage cannot burn a device's nonces; the cheap clock check runs before any secret lookup.
 * When the secret and the nonce store answer at once (memory), so does this: no promise, no
 * await, on the path every signed poll takes.
 */
export function verifySignature(input: VerifyInput): SignatureCheck | Promise<SignatureCheck> {
  const parsed = readHeaders(input.headers, input.idHeader);
  if (typeof parsed === "string") return { ok: false, reason: parsed };

  const nowSeconds = Math.floor(input.clock.now().getTime() / 1000);
  if (Math.abs(nowSeconds - Number(parsed.timestamp)) > MAX_SKEW_SECONDS)
    return { ok: false, reason: "stale_timestamp" };

  const secret = input.lookupSecret(parsed.id);
  return secret instanceof Promise
    ? secret.then((known) => checkWithSecret(input, parsed, known))
    : checkWithSecret(input, parsed, secret);
}

function checkWithSecret(
  input: VerifyInput,
  { id, timestamp, nonce, signature }: SignedHeaders,
  secret: string | null,
): SignatureCheck | Promise<SignatureCheck> {
  if (secret === null) return { ok: false, reason: "unknown_id" };
  const expected = signRequest(secret, {
    method: input.method,
    pathWithQuery: input.pathWithQuery,
    timestamp,
    nonce,
    body: input.body ?? "",
  });
  if (!signaturesMatch(expected, signature)) return { ok: false, reason: "bad_signature" };

  const fresh = input.nonces.remember(id, nonce, NONCE_TTL_SECONDS);
  return fresh instanceof Promise ? fresh.then((first) => spent(id, first)) : spent(id, fresh);
}
