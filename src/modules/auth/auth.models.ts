import { createHmac, timingSafeEqual } from "node:crypto";

/** Default freshness window (INIT_DATA_MAX_AGE_SECONDS): a leaked initData is useless after it. */
export const INIT_DATA_MAX_AGE_SECONDS = 60 * 60;
// Clocks drift; an auth_date slightly in the future is our clock, not an attack.
export const FUTURE_SKEW_SECONDS = 300;

export interface InitDataUser {
  id: number;
  username?: string;
  first_name?: string;
  last_name?: string;
  language_code?: string;
  is_bot?: boolean;
}

export type InitDataResult =
  | { ok: true; user: InitDataUser; authDate: number; startParam: string | null; hash: string }
  | { ok: false; reason: string };

/** The data-check-string of Telegram's Mini App algorithm: every field but `hash`, sorted, `\n`-joined. */
export function dataCheckString(params: URLSearchParams): string {
  return [...params.entries()]
    .filter(([key]) => key !== "hash")
    .map(([key, value]) => `${key}=${value}`)
    .sort()
    .join("\n");
}

export function initDataHash(params: URLSearchParams, botToken: string): string {
  const secretKey = createHmac("sha256", "WebAppData").update(botToken).digest();
  return createHmac("sha256", secretKey).update(dataCheckString(params)).digest("hex");
}

/**
 * Validates Mini App initData exactly as Telegram documents it, plus a freshness window (one hour
 * unless configured). Pure: the caller supplies the current time; single use is the caller's.
 */
export function verifyInitData(
  initData: string,
  botToken: string,
  nowSeconds: number,
  maxAgeSeconds = INIT_DATA_MAX_AGE_SECONDS,
): InitDataResult {
  const params = new URLSearchParams(initData);
  const hash = params.get("hash");
  if (!hash || !/^[0-9a-f]{64}$/.test(hash)) return { ok: false, reason: "hash missing or malformed" };
  const expected = Buffer.from(initDataHash(params, botToken), "hex");
  // Constant-time: the comparison must not reveal how many leading bytes matched.
  if (!timingSafeEqual(expected, Buffer.from(hash, "hex"))) return { ok: false, reason: "hash mismatch" };
  const authDate = Number(params.get("auth_date"));
  if (!Number.isInteger(authDate) || authDate <= 0) return { ok: false, reason: "auth_date missing" };
  if (nowSeconds - authDate > maxAgeSeconds) return { ok: false, reason: "auth_date too old" };
  if (authDate - nowSeconds > FUTURE_SKEW_SECONDS) return { ok: false, reason: "auth_date in the future" };
  let user: InitDataUser;
  try {
    user = JSON.parse(params.get("user") ?? "");
  } catch {
    return { ok: false, reason: "user field is not JSON" };
  }
  if (!user || typeof user !== "object" || !Number.isSafeInteger(user.id) || user.id <= 0) {
    return { ok: false, reason: "user id missing" };
  }
  if (user.is_bot) return { ok: false, reason: "bots cannot sign in" };
  return { ok: true, user, authDate, startParam: params.get("start_param"), hash };
}

/** Builds signed initData the way Telegram does: for tests, the device simulator and docs. */
export function signInitData(fields: Record<string, string>, botToken: string): string {
  const params = new URLSearchParams(fields);
  params.set("hash", initDataHash(params, botToken));
  return params.toString();
}
