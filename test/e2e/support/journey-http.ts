import { randomUUID } from "node:crypto";
import { signInitData } from "../../../src/modules/auth/auth.models";
import { type IdHeader, signedHeaders } from "../../../src/shared/signing";
import type { RecordedCall } from "../../fakes/telegram-api";

/** What JSON.parse gives: response bodies are checked by expect(), field by field, not by types. */
export type Json = ReturnType<typeof JSON.parse>;

export interface HttpResult<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

/** One JSON request to the running server; the body is parsed when there is one. */
export async function http<T = Json>(
  baseUrl: string,
  method: string,
  pathWithQuery: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.raw;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(`${baseUrl}${pathWithQuery}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

/** A signed device or producer request (API.md §7.1), the body sent byte for byte as signed. */
export function signedHttp<T = Json>(
  baseUrl: string,
  signer: { id: string; secret: string; idHeader: IdHeader },
  method: "GET" | "POST",
  pathWithQuery: string,
  payload?: unknown,
): Promise<HttpResult<T>> {
  const raw = payload === undefined ? "" : JSON.stringify(payload);
  const headers = signedHeaders(signer.secret, {
    id: signer.id,
    idHeader: signer.idHeader,
    method,
    pathWithQuery,
    body: raw,
    now: new Date(),
  });
  if (payload !== undefined) headers["content-type"] = "application/json; charset=utf-8";
  return http<T>(baseUrl, method, pathWithQuery, payload === undefined ? { headers } : { headers, raw });
}

/**
 * Mini App initData for a Telegram user, signed with the bot token as Telegram does; each call is
 * a new launch (its own query_id), since one initData signs in only once.
 */
export function initDataFor(user: { id: number; first_name: string; username?: string }, botToken: string) {
  return signInitData(
    {
      user: JSON.stringify(user),
      auth_date: String(Math.floor(Date.now() / 1000)),
      query_id: `AAH${randomUUID()}`,
    },
    botToken,
  );
}

/** Polls `probe` until it returns something other than undefined, or throws after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The inline buttons of a recorded sendMessage / editMessageText (JSON or form-encoded). */
export function buttonsOf(call: RecordedCall): { text: string; callback_data?: string; url?: string }[] {
  const raw = call.params.reply_markup;
  const markup = (typeof raw === "string" ? JSON.parse(raw) : raw) as
    | { inline_keyboard?: { text: string; callback_data?: string; url?: string }[][] }
    | undefined;
  return markup?.inline_keyboard?.flat() ?? [];
}

/** Round half away from zero of n / d, for non-negative integers: SPEC's `round`, exactly. */
export function roundDiv(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d);
}
