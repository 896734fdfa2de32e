import { randomBytes } from "node:crypto";

/** Unguessable per process, so no string a client stored can pass for a marked integer. */
const MARK = `\u0000exact-int-${randomBytes(8).toString("hex")}:`;
const MARKED = new RegExp(`"${MARK.replace("\u0000", "\\\\u0000")}(-?\\d+)"`, "g");

/**
 * JSON.stringify that writes a BigInt as an exact JSON integer. JSON numbers have no size
 * limit; only a JavaScript `number` does, so a sum past 2^53 (minor units add up) is written
 * digit for digit instead of rounded or refused. Clients that need it exact parse it as such.
 */
export function exactJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? `${MARK}${v}` : v));
  return text.replace(MARKED, "$1");
}

/** A BigInt total as a plain number while that is exact, else kept as a BigInt for `exactJson`. */
export function exactTotal(total: bigint): number | bigint {
  return total <= BigInt(Number.MAX_SAFE_INTEGER) && total >= BigInt(-Number.MAX_SAFE_INTEGER)
    ? Number(total)
    : total;
}
