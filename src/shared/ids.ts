import { randomFillSync } from "node:crypto";

// Crockford base32: no I, L, O, U, so ids survive being read aloud or retyped.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_CHARS = 16;

/**
 * Random bytes drawn 4 kB at a time and handed out 16 per id: `randomBytes(16)` per id was a
 * call into the OS's generator and a new Buffer each time, 3.8 % of the service's busy CPU under
 * the fill load (docs/perf/fills.md, 2026-12-06). Every byte is still used once.
 */
const pool = Buffer.alloc(4096);
let taken = pool.length;

/**
 * Prefixed, time-ordered ids (`usr_01HZ…`): 10 chars of millisecond time then 16 random chars,
 * so sorting by id sorts by creation time, which keyset pagination relies on.
 */
export function newId(prefix: string, now: number = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  if (taken + RANDOM_CHARS > pool.length) {
    randomFillSync(pool);
    taken = 0;
  }
  let rand = "";
  for (let i = taken; i < taken + RANDOM_CHARS; i++) rand += ALPHABET[pool[i]! % 32];
  taken += RANDOM_CHARS;
  return `${prefix}_${time}${rand}`;
}
