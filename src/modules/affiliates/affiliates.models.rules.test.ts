import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allocatePayout,
  CODE_ALPHABET,
  COMMISSION_WINDOW_MONTHS,
  commissionStatusAt,
  DEFAULT_TIER_SCHEDULE,
  decodeCursor,
  encodeCursor,
  generateCode,
  normalizeCode,
  PAYOUT_INTERVAL_MS,
  pageOf,
  tierFor,
  VELOCITY_LIMIT,
  VELOCITY_WINDOW_MS,
} from "./affiliates.models";

// Affiliate rules mutation testing found unpinned (issue 20): what a list cursor accepts
// beyond its own round trip, how a page ends, and the SPEC's figures.

const T0 = new Date("2026-11-21T10:00:00.000Z");
const raw = (text: string) => Buffer.from(text, "utf8").toString("base64url");

describe("list cursors accept only what a page handed out", () => {
  it("encode the row's time and id, in that order", () => {
    expect(Buffer.from(encodeCursor({ createdAt: T0, id: "com_1" }), "base64url").toString("utf8")).toBe(
      "2026-11-21T10:00:00.000Z|com_1",
    );
  });

  it.each([
    ["no id", "2026-11-21T10:00:00.000Z|"],
    ["no time", "|com_1"],
    ["nothing", ""],
    ["a third part", "2026-11-21T10:00:00.000Z|com_1|x"],
    ["an id with a character outside the id alphabet", "2026-11-21T10:00:00.000Z|com-1"],
    ["an id with a prefix outside it", "2026-11-21T10:00:00.000Z| com_1"],
    ["an id with a suffix outside it", "2026-11-21T10:00:00.000Z|com_1 "],
    ["an id of 65 characters", `2026-11-21T10:00:00.000Z|${"a".repeat(65)}`],
    ["a time that is not one", "yesterday|com_1"],
    ["a time not written as we write it", "2026-11-21T10:00:00Z|com_1"],
    ["a time with an offset", "2026-11-21T11:00:00.000+01:00|com_1"],
  ])("refuse a cursor with %s", (_what, text) => {
    expect(decodeCursor(raw(text))).toBeNull();
  });

  it("accept an id of one and of 64 characters", () => {
    expect(decodeCursor(raw("2026-11-21T10:00:00.000Z|a"))).toEqual({ createdAt: T0, id: "a" });
    const long = "A_9".repeat(21).concat("z");
    expect(decodeCursor(raw(`2026-11-21T10:00:00.000Z|${long}`))).toEqual({ createdAt: T0, id: long });
  });

  it("round-trip any row a page can end on", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }),
        fc.stringMatching(/^[A-Za-z0-9_]{1,64}$/),
        (createdAt, id) => {
          expect(decodeCursor(encodeCursor({ createdAt, id }))).toEqual({ createdAt, id });
        },
      ),
    );
  });
});

describe("pages", () => {
  const rows = [3, 2, 1].map((n) => ({ id: `com_${n}`, createdAt: new Date(T0.getTime() - n * 1000) }));

  it("a page fetched with one row more than its limit ends with a cursor to its last row", () => {
    const page = pageOf(rows, { limit: 2 }, (r) => r.id);
    expect(page.items).toEqual(["com_3", "com_2"]);
    expect(decodeCursor(page.nextCursor!)).toEqual({ id: "com_2", createdAt: rows[1]!.createdAt });
  });

  it("the cursor points at the last row of a page of any size", () => {
    const four = [...rows, { id: "com_0", createdAt: new Date(T0.getTime()) }].reverse();
    const page = pageOf(four, { limit: 3 }, (r) => r.id);
    expect(decodeCursor(page.nextCursor!)?.id).toBe(page.items[2]);
    expect(decodeCursor(pageOf(rows, { limit: 1 }, (r) => r.id).nextCursor!)?.id).toBe("com_3");
  });

  it("the last page, exactly full or not, has no cursor", () => {
    expect(pageOf(rows, { limit: 3 }, (r) => r.id)).toEqual({
      items: ["com_3", "com_2", "com_1"],
      nextCursor: null,
    });
    expect(pageOf(rows, { limit: 5 }, (r) => r.id).nextCursor).toBeNull();
    expect(pageOf([], { limit: 5 }, (r) => r)).toEqual({ items: [], nextCursor: null });
  });
});

describe("the SPEC's affiliate figures", () => {
  it("tiers at 10, 25 and 50 conversions earn 10, 15, 20 and 25 %", () => {
    expect(DEFAULT_TIER_SCHEDULE).toEqual({ thresholds: [10, 25, 50], ratesBps: [1000, 1500, 2000, 2500] });
    expect(tierFor(0, DEFAULT_TIER_SCHEDULE)).toEqual({ tier: "bronze", rateBps: 1000 });
    expect(tierFor(50, DEFAULT_TIER_SCHEDULE)).toEqual({ tier: "platinum", rateBps: 2500 });
  });

  it("12-month window, 20 signups an hour, one payout request per 10 s", () => {
    expect(COMMISSION_WINDOW_MONTHS).toBe(12);
    expect(VELOCITY_LIMIT).toBe(20);
    expect(VELOCITY_WINDOW_MS).toBe(3_600_000);
    expect(PAYOUT_INTERVAL_MS).toBe(10_000);
  });
});

describe("codes and statuses at their edges", () => {
  it("a code is 4 to 16 letters of the alphabet, and nothing around them", () => {
    expect(normalizeCode("ABCD")).toBe("ABCD");
    expect(normalizeCode("A".repeat(16))).toBe("A".repeat(16));
    expect(normalizeCode("ABC")).toBeNull();
    expect(normalizeCode("A".repeat(17))).toBeNull();
    expect(normalizeCode("ABCD-")).toBeNull();
    expect(normalizeCode("-ABCD")).toBeNull();
    expect(CODE_ALPHABET).toBe("23456789ABCDEFGHJKMNPQRSTUVWXYZ");
  });

  it("a code draws from random bytes until it has eight letters, skipping the biased ones", () => {
    // 248 = 8 × 31 is the first byte past the last whole multiple of the alphabet: always skipped.
    const bytes = [248, 255, 0, 30, 31, 247, 1, 2, 3, 4, 5, 6];
    let call = 0;
    const code = generateCode((n) => Buffer.from(call++ === 0 ? bytes.slice(0, 4) : bytes.slice(4, 4 + n)));
    expect(code).toBe("2Z2Z3456");
  });

  it("a paid or reversed entry keeps its status whatever the time, and a split entry has none", () => {
    const later = new Date(T0.getTime() + 1);
    expect(commissionStatusAt({ status: "paid", availableAt: later }, T0)).toBe("paid");
    expect(commissionStatusAt({ status: "reversed", availableAt: T0 }, later)).toBe("reversed");
    expect(() => commissionStatusAt({ status: "split", availableAt: T0 }, T0)).toThrow(
      "a split entry is replaced by its parts",
    );
  });

  it("a payout must be a positive whole amount, and entries that exactly cover it are all paid", () => {
    for (const amount of [0, -1, 1.5, Number.NaN]) {
      expect(() => allocatePayout([{ id: "a", amountMinor: 10 }], amount)).toThrow(
        "amount must be a positive integer",
      );
    }
    expect(
      allocatePayout(
        [
          { id: "a", amountMinor: 10 },
          { id: "b", amountMinor: 5 },
          { id: "c", amountMinor: 7 },
        ],
        15,
      ),
    ).toEqual({ paid: ["a", "b"], split: null });
    // Entries that add up to exactly the amount settle it; nothing is left over.
    expect(
      allocatePayout(
        [
          { id: "a", amountMinor: 10 },
          { id: "b", amountMinor: 5 },
        ],
        15,
      ),
    ).toEqual({ paid: ["a", "b"], split: null });
  });
});
