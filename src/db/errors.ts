/** PostgreSQL error code of a failed statement, looking through driver and Drizzle wrappers. */
export function pgErrorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function constraintOf(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const c = (current as { constraint?: unknown }).constraint;
    if (typeof c === "string") return c;
    const msg = (current as { message?: unknown }).message;
    const m = typeof msg === "string" ? /constraint "([^"]+)"/.exec(msg) : null;
    if (m) return m[1];
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True for a unique-index violation (optionally of the named index). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (pgErrorCode(err) !== "23505") return false;
  return constraint === undefined || constraintOf(err) === constraint;
}

/** node-postgres's words (and socket codes) for a connection that is gone or never came. */
const CONNECTION_LOST =
  /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|ECONNREFUSED|ECONNRESET|EPIPE/;
/** SQLSTATE classes 08 (connection exception) and 57P0x (the server shutting down or starting). */
const CONNECTION_SQLSTATE = /^(08...|57P0[1-3])$/;

/**
 * True when a statement failed because the database could not be reached (restarted, partitioned,
 * starting up): the request may succeed again shortly, so it is answered 503, not 500.
 */
export function isConnectionLoss(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === "string" && (CONNECTION_SQLSTATE.test(code) || CONNECTION_LOST.test(code)))
      return true;
    if (typeof message === "string" && CONNECTION_LOST.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
