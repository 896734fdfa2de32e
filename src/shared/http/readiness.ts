import type { Database } from "../../db/client";

/** A `select 1` slower than this counts as the database being away. */
export const PROBE_TIMEOUT_MS = 1_000;
/** Answers within this long of a probe reuse it: a burst of /readyz costs one query. */
export const PROBE_CACHE_MS = 1_000;

/**
 * Whether the database answers, for /readyz: a `select 1` bounded in time, at most one in flight
 * (one stuck on a dead connection is waited for, never piled on: until it settles, the database
 * counts as away) and its answer reused for a moment. Nothing is held between calls, so the
 * first probe after PostgreSQL comes back answers true, without a restart.
 */
export function databaseProbe(
  database: Pick<Database, "query">,
  opts: { timeoutMs?: number; cacheMs?: number; now?: () => number } = {},
) {
  const timeoutMs = opts.timeoutMs ?? PROBE_TIMEOUT_MS;
  const cacheMs = opts.cacheMs ?? PROBE_CACHE_MS;
  const now = opts.now ?? Date.now;
  let last: { at: number; up: boolean } | undefined;
  let inFlight: Promise<boolean> | undefined;

  const bounded = (query: Promise<boolean>) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
      void query.then((up) => {
        clearTimeout(timer);
        resolve(up);
      });
    });

  return async function databaseAnswers(): Promise<boolean> {
    if (last && now() - last.at < cacheMs) return last.up;
    if (!inFlight) {
      const query = database.query("select 1").then(
        () => true,
        () => false,
      );
      inFlight = query;
      void query.finally(() => {
        if (inFlight === query) inFlight = undefined;
      });
    }
    const up = await bounded(inFlight);
    last = { at: now(), up };
    return up;
  };
}
