import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allocatePayout,
  CODE_ALPHABET,
  CODE_LENGTH,
  commissionMinor,
  commissionStatusAt,
  commissionWindowEnd,
  DEFAULT_TIER_SCHEDULE,
  decodeCursor,
  encodeCursor,
  generateCode,
  isWithinCommissionWindow,
  normalizeCode,
  tierFor,
} from "./affiliates.models";

describe("affiliate codes", () => {
  it("are eight characters that cannot be misread: no 0, O, 1, I or L", () => {
    for (const ambiguous of "0O1IL") expect(CODE_ALPHABET).not.toContain(ambiguous);
    for (let i = 0; i < 200; i++) {
      const code = generateCode();
      expect(code).toHaveLength(CODE_LENGTH);
      expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
    }
  });

  it("draw every letter equally often: bytes that would favour the first letters are discarded", () => {
    // 248..255 would map onto the first eight letters again; they must be skipped, not used.
    const bytes = Buffer.from([255, 250, 248, 0, 30, 31, 61, 62, 92, 93, 1, 1, 1, 1, 1, 1]);
    expect(generateCode(() => bytes)).toBe("2Z2Z2Z23");
  });

  it("are read case-insensitively and with surrounding spaces forgiven", () => {
    expect(normalizeCode(" abcd2345 ")).toBe("ABCD2345");
  });

  it.each([
    ["a character we never issue", "ABCD0123"],
    ["punctuation", "ABC'--;X"],
    ["a non-Latin letter", "ÄBCDEFGH"],
    ["an emoji", "ABCD🙂EF"],
    ["inner spaces", "ABCD 2345"],
    ["too short", "AB2"],
    ["too long", "A".repeat(17)],
    ["empty", ""],
  ])("refuse %s rather than guess", (_label, raw) => {
    expect(normalizeCode(raw)).toBeNull();
  });

  it("refuse anything that is not a string", () => {
    expect(normalizeCode(null)).toBeNull();
    expect(normalizeCode(undefined)).toBeNull();
  });
});

describe("tiers", () => {
  it.each([
    [0, "bronze", 1000],
    [9, "bronze", 1000],
    [10, "silver", 1500],
    [24, "silver", 1500],
    [25, "gold", 2000],
    [49, "gold", 2000],
    [50, "platinum", 2500],
    [5000, "platinum", 2500],
  ])("%i converted referrals earn %s at %i bps", (conversions, tier, rateBps) => {
    expect(tierFor(conversions, DEFAULT_TIER_SCHEDULE)).toEqual({ tier, rateBps });
  });

  it("follow a configured schedule", () => {
    const schedule = { thresholds: [1, 2, 3] as const, ratesBps: [100, 200, 300, 400] as const };
    expect([0, 1, 2, 3].map((n) => tierFor(n, schedule).rateBps)).toEqual([100, 200, 300, 400]);
  });
});

describe("commission arithmetic", () => {
  it("rounds half away from zero on the exact product", () => {
    expect(commissionMinor(25_557, 1000)).toBe(2556);
    expect(commissionMinor(25_055, 1000)).toBe(2506);
    expect(commissionMinor(25_054, 1000)).toBe(2505);
    expect(commissionMinor(1, 1500)).toBe(0);
    expect(commissionMinor(10, 1500)).toBe(2);
  });

  it("never exceeds the base nor goes negative for any rate up to 100 %", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (base, rate) => {
          const c = commissionMinor(base, rate);
          expect(c).toBeGreaterThanOrEqual(0);
          expect(c).toBeLessThanOrEqual(base);
          expect(Math.abs(c - (base * rate) / 10_000)).toBeLessThanOrEqual(0.5);
        },
      ),
    );
  });
});

describe("the commission window", () => {
  it("closes twelve calendar months after signup, to the millisecond", () => {
    const signup = new Date("2026-01-31T10:00:00.000Z");
    expect(commissionWindowEnd(signup).toISOString()).toBe("2027-01-31T10:00:00.000Z");
    expect(isWithinCommissionWindow(signup, new Date("2027-01-31T09:59:59.999Z"))).toBe(true);
    expect(isWithinCommissionWindow(signup, new Date("2027-01-31T10:00:00.000Z"))).toBe(false);
  });
});

describe("commission status", () => {
  const availableAt = new Date("2026-12-21T10:00:00.000Z");
  it("is pending until the hold ends and available from that instant, with no job involved", () => {
    expect(commissionStatusAt({ status: "open", availableAt }, new Date(availableAt.getTime() - 1))).toBe(
      "pending",
    );
    expect(commissionStatusAt({ status: "open", availableAt }, availableAt)).toBe("available");
    expect(commissionStatusAt({ status: "paid", availableAt }, availableAt)).toBe("paid");
    expect(commissionStatusAt({ status: "reversed", availableAt }, availableAt)).toBe("reversed");
  });
});

describe("allocating a payout to ledger entries", () => {
  it("pays whole entries oldest first and splits the one that would overshoot", () => {
    const entries = [
      { id: "a", amountMinor: 2506 },
      { id: "b", amountMinor: 2506 },
      { id: "c", amountMinor: 2506 },
    ];
    expect(allocatePayout(entries, 5000)).toEqual({
      paid: ["a"],
      split: { id: "b", paidMinor: 2494, remainderMinor: 12 },
    });
    expect(allocatePayout(entries, 5012)).toEqual({ paid: ["a", "b"], split: null });
  });

  it("nets clawbacks into the payout as they come", () => {
    const entries = [
      { id: "claw", amountMinor: -1000 },
      { id: "a", amountMinor: 4000 },
      { id: "b", amountMinor: 4000 },
    ];
    expect(allocatePayout(entries, 5000)).toEqual({
      paid: ["claw", "a"],
      split: { id: "b", paidMinor: 2000, remainderMinor: 2000 },
    });
  });

  it("refuses when the entries do not reach the amount", () => {
    expect(allocatePayout([{ id: "a", amountMinor: 4999 }], 5000)).toBeNull();
  });

  it("always settles exactly the amount, never more, whenever the entries cover it", () => {
    const entry = fc.integer({ min: -3000, max: 9000 }).filter((n) => n !== 0);
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 30 }),
        fc.integer({ min: 1, max: 60_000 }),
        (amounts, amount) => {
          const entries = amounts.map((amountMinor, i) => ({ id: `e${i}`, amountMinor }));
          const total = amounts.reduce((s, a) => s + a, 0);
          const plan = allocatePayout(entries, amount);
          if (total < amount) {
            expect(plan).toBeNull();
            return;
          }
          expect(plan).not.toBeNull();
          const byId = new Map(entries.map((e) => [e.id, e.amountMinor]));
          const paid = plan!.paid.reduce((s, id) => s + byId.get(id)!, 0) + (plan!.split?.paidMinor ?? 0);
          expect(paid).toBe(amount);
          if (plan!.split) {
            expect(plan!.split.paidMinor).toBeGreaterThan(0);
            expect(plan!.split.remainderMinor).toBeGreaterThan(0);
            expect(plan!.split.paidMinor + plan!.split.remainderMinor).toBe(byId.get(plan!.split.id));
          }
        },
      ),
    );
  });
});

describe("cursors", () => {
  it("round-trip and refuse anything we did not issue", () => {
    const row = { createdAt: new Date("2026-11-21T10:00:00.000Z"), id: "com_01ABC" };
    expect(decodeCursor(encodeCursor(row))).toEqual(row);
    for (const forged of [
      "",
      "garbage",
      Buffer.from("x|y|z").toString("base64url"),
      Buffer.from("2026|a b").toString("base64url"),
    ]) {
      expect(decodeCursor(forged)).toBeNull();
    }
  });
});
