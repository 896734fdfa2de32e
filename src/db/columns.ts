import { customType } from "drizzle-orm/pg-core";

// "0020-02-29 00:00:00+00", "2026-11-21 10:00:00.123456+00", "1999-12-31 23:00:00-05:30", "… BC".
const PG_TIMESTAMPTZ =
  /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?( BC)?$/;

/**
 * PostgreSQL's timestamptz text as a Date, for every year the column can hold. `new Date(text)`
 * (what the stock column does) is invalid for years below 100 or BC, so one stored row with such a
 * time made every read of it throw; parsing the fields ourselves keeps every stored row readable.
 */
export function parsePgTimestamp(value: string | Date): Date {
  if (value instanceof Date) return value;
  const m = PG_TIMESTAMPTZ.exec(value);
  if (!m) return new Date(value);
  const [, y, mo, d, h, mi, s, frac, sign, oh, om, os, bc] = m;
  const year = bc ? 1 - Number(y) : Number(y);
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, "0")) : 0;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0..99 as 1900..1999.
  date.setUTCFullYear(year, Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), ms);
  const offsetSeconds = sign
    ? (sign === "-" ? -1 : 1) * (Number(oh) * 3600 + Number(om ?? 0) * 60 + Number(os ?? 0))
    : 0;
  return new Date(date.getTime() - offsetSeconds * 1000);
}

/** Every time column is timestamptz, read as a JS Date. */
export const tstz = customType<{ data: Date; driverData: string | Date }>({
  dataType: () => "timestamp with time zone",
  toDriver: (value) => value.toISOString(),
  fromDriver: parsePgTimestamp,
});
