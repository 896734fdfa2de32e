import { randomUUID } from "node:crypto";
import { signInitData } from "../../../src/modules/auth/auth.models";
import { signedHeaders } from "../../../src/shared/signing";
import { TEST_BOT_TOKEN } from "../../support/config";

/** Plain HTTP against a running server process: what the crash test sends and reads back. */

export interface Reply {
  status: number;
  body: unknown;
}

type Json = Record<string, unknown>;

export async function call(
  base: string,
  method: "GET" | "POST" | "PATCH",
  path: string,
  opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let payload: string | undefined = opts.raw;
  if (payload === undefined && opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: payload,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text for the failure message
  }
  return { status: res.status, body };
}

/** `call` that insists on a status and returns the JSON body. */
export async function ok<T = Json>(
  base: string,
  method: "GET" | "POST" | "PATCH",
  path: string,
  expected: number,
  opts: Parameters<typeof call>[3] = {},
): Promise<T> {
  const reply = await call(base, method, path, opts);
  if (reply.status !== expected) {
    throw new Error(
      `${method} ${path}: expected ${expected}, got ${reply.status} ${JSON.stringify(reply.body)}`,
    );
  }
  return reply.body as T;
}

/** Signs a Telegram Mini App login for `telegramId` and returns the access token and user id. */
export async function login(base: string, telegramId: number): Promise<{ token: string; userId: string }> {
  const initData = signInitData(
    {
      user: JSON.stringify({ id: telegramId, first_name: `Crash ${telegramId}` }),
      auth_date: String(Math.floor(Date.now() / 1000)),
      // A new launch each time: one initData signs in only once.
      query_id: `AAH${randomUUID()}`,
    },
    TEST_BOT_TOKEN,
  );
  const res = await ok<{ accessToken: string; user: { id: string } }>(
    base,
    "POST",
    "/api/v1/auth/telegram",
    200,
    {
      body: { initData },
    },
  );
  return { token: res.accessToken, userId: res.user.id };
}

export interface DeviceKey {
  id: string;
  secret: string;
}

/** A signed device request, as an Expert Advisor sends it (fresh nonce and timestamp each time). */
export function signedDeviceCall(
  base: string,
  device: DeviceKey,
  path: string,
  body: unknown,
): Promise<Reply> {
  const raw = JSON.stringify(body);
  const headers = signedHeaders(device.secret, {
    id: device.id,
    idHeader: "x-device-id",
    method: "POST",
    pathWithQuery: path,
    body: raw,
    now: new Date(),
  });
  return call(base, "POST", path, { raw, headers: { ...headers, "content-type": "application/json" } });
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Every item of a `{items, nextCursor}` list. */
export async function listAll<T>(base: string, path: string, token: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page: { items: T[]; nextCursor: string | null } = await ok(
      base,
      "GET",
      `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      200,
      { token },
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
