import { z } from "zod";
import { CommonErrors } from "../../shared/errors";

/**
 * Times a device reports (fills, trades) are bounded. MetaTrader 5 appeared in 2010 and no
 * broker history reaches before 2000, so an earlier time is a client bug (an uninitialised
 * datetime, a two-digit year). A day ahead of the server allows broker servers that stamp their
 * own time zone (often UTC+2/+3) as UTC, and clocks that drift; anything later is not a closed
 * trade yet.
 */
export const EARLIEST_REPORTED_TIME = new Date("2000-01-01T00:00:00.000Z");
export const MAX_AHEAD_MS = 86_400_000;

/** An RFC 3339 time with its offset, not before 2000 (the upper bound needs the clock: `notAhead`). */
export const reportedTime = z.iso
  .datetime({ offset: true })
  .transform((v) => new Date(v))
  .refine((d) => d.getTime() >= EARLIEST_REPORTED_TIME.getTime(), "must be in the year 2000 or later");

/** 400 `request.invalid` naming each given time more than a day ahead of `now`. */
export function notAhead(now: Date, times: Record<string, Date | undefined>): void {
  const limit = now.getTime() + MAX_AHEAD_MS;
  const errors = Object.entries(times)
    .filter(([, at]) => at !== undefined && at.getTime() > limit)
    .map(([path]) => ({ path, message: "must not be more than a day ahead of the server's time" }));
  if (errors.length > 0) throw CommonErrors.invalid("A reported time is in the future", { errors });
}
