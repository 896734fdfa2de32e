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
