/**
 * A dependency the service cannot start without is unreachable: the message names the variable
 * to fix and where it points (never its credentials), printed as one line by the CLI.
 */
export class StartupError extends Error {
  override name = "StartupError";
}

const DEFAULT_PORTS: Record<string, string> = {
  "postgres:": "5432",
  "postgresql:": "5432",
  "redis:": "6379",
  "rediss:": "6379",
};

/** `host:port/path` of a connection URL, without user or password. */
export function safeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || DEFAULT_PORTS[u.protocol] || "?"}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return "an unparseable URL";
  }
}

/** Why a connection failed, in a few words: the driver's code when it has one. */
export function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; errors?: unknown[] };
  // node's AggregateError (IPv4 and IPv6 both refused) carries the codes on its parts.
  const inner = Array.isArray(e.errors) ? (e.errors[0] as { code?: unknown } | undefined) : undefined;
  const code = typeof e.code === "string" ? e.code : typeof inner?.code === "string" ? inner.code : undefined;
  const message = typeof e.message === "string" && e.message !== "" ? e.message : undefined;
  return [code, message].filter(Boolean).join(": ") || String(err);
}
