import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** A sign-in link is valid this long after it is minted (API §15). */
export const LINK_TTL_MS = 10 * 60_000;
/** A console session lasts a working day; signing in again is one link away. */
export const SESSION_TTL_MS = 12 * 3_600_000;
export const SESSION_COOKIE = "sd_console";

/** 256 random bits, URL-safe: the link token and the session cookie value. */
export function newSecretToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What is stored in place of a token: a leaked row cannot be turned back into a cookie or link. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * The CSRF token of a session, derived from its cookie value and a server key rather than
 * stored: a page that can read it was served to the cookie's holder (SameSite=Strict), and a
 * forged cross-site request can neither read the cookie nor compute this.
 */
export function csrfTokenFor(sessionToken: string, key: string): string {
  return createHmac("sha256", key).update(`console-csrf:${sessionToken}`).digest("base64url");
}

export function csrfMatches(given: string | undefined, expected: string): boolean {
  if (typeof given !== "string" || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/** The value of one cookie from a Cookie header (RFC 6265 pairs separated by "; "). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(value: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  return [
    `${SESSION_COOKIE}=${value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${opts.maxAgeSeconds}`,
    ...(opts.secure ? ["Secure"] : []),
  ].join("; ");
}
