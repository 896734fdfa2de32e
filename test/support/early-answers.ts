/**
 * Helpers for the answers written before routing (src/shared/http/before-routing.ts): they are
 * reached only over a socket (`app.inject` calls Fastify directly), and compared with the
 * route's own answer header for header.
 */

/** Headers that differ between any two answers, or that only a socket (not app.inject) carries. */
const PER_ANSWER = [
  "date",
  "connection",
  "keep-alive",
  "x-request-id",
  "x-ratelimit-remaining",
  "x-ratelimit-reset",
];

/** The headers two answers to the same request must share. */
export const stableHeaders = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !PER_ANSWER.includes(name)));

/** A GET over a real socket: status, headers by lower-case name, and the body as text. */
export async function socketGet(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  const out: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    out[name] = value;
  });
  return { status: res.status, headers: out, body: await res.text() };
}
