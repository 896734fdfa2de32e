import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closingShares, pipSize, pipsBetween, recordOf, signalOutcome } from "./track-record.models";

describe("pips", () => {
  it.each([
    ["EURUSD", 0.0001],
    ["EURUSD.m", 0.0001],
    ["USDJPY", 0.01],
    ["GBPJPY.pro", 0.01],
    ["XAUUSD", 0.1],
    ["XAGUSD", 0.01],
    ["US30", 1],
    ["BTCUSD", 1],
    ["ETHUSD.x", 1],
  ])("a pip of %s is %d", (instrument, size) => {
    expect(pipSize(instrument)).toBe(size);
  });

  it("counts a sell's fall as a gain", () => {
    expect(pipsBetween("EURUSD", "sell", 1.1, 1.095)).toBe(50);
    expect(pipsBetween("USDJPY", "buy", 150, 149.5)).toBe(-50);
  });
});

describe("closing shares", () => {
  it("gives a partial close its fraction of what remains, and the close the rest", () => {
    const shares = closingShares([
      { id: "c", seq: 4, action: "close", fraction: null },
      { id: "m", seq: 1, action: "modify", fraction: null },
      { id: "p1", seq: 2, action: "close_partial", fraction: 0.5 },
      { id: "p2", seq: 3, action: "close_partial", fraction: 0.5 },
    ]);
    expect(shares).toEqual([
      { id: "p1", share: 0.5 },
      { id: "p2", share: 0.25 },
      { id: "c", share: 0.25 },
    ]);
  });

  it("always adds up to the whole position once closed", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 0.99, noNaN: true }), { maxLength: 6 }),
        (fractions) => {
          const updates = [
            ...fractions.map((f, i) => ({
              id: `p${i}`,
              seq: i + 1,
              action: "close_partial" as const,
              fraction: f,
            })),
            { id: "c", seq: fractions.length + 1, action: "close" as const, fraction: null },
          ];
          const total = closingShares(updates).reduce((sum, s) => sum + s.share, 0);
          expect(total).toBeCloseTo(1, 9);
        },
      ),
    );
  });
});

describe("a signal's outcome and the record", () => {
  it("has no result without a fill, or without any exit price", () => {
    const base = {
      instrument: "EURUSD",
      side: "buy" as const,
      initialStopLoss: 1.08,
      updates: [{ id: "c", seq: 1, action: "close" as const, fraction: null }],
      exits: [],
      trades: [],
    };
    expect(signalOutcome({ ...base, firstFill: null })).toBeNull();
    expect(signalOutcome({ ...base, firstFill: { deviceId: "d", price: 1.09 } })).toBeNull();
  });

  it("measures the deepest fall of cumulative R from its running peak", () => {
    // Cumulative R: 1, 3 (peak), 2, 0.5, 1.5, -0.5 → deepest fall 3 − (−0.5) = 3.5.
    const record = recordOf([1, 2, -1, -1.5, 1, -2].map((r) => ({ pips: r * 10, r })));
    expect(record).toMatchObject({
      signals: 6,
      wins: 3,
      losses: 3,
      winRate: 0.5,
      totalPips: -5,
      maxDrawdownR: 3.5,
    });
    expect(record.averageR).toBe(-0.08);
    expect(recordOf([])).toEqual({
      signals: 0,
      wins: 0,
      losses: 0,
      breakeven: 0,
      winRate: 0,
      totalPips: 0,
      averageR: null,
      maxDrawdownR: 0,
    });
  });
});
