import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  modifyPriceProblems,
  type UpdateInput,
  updateRequestHash,
  updateShapeProblems,
} from "./signals.models";

const price = fc.double({ min: 0.5, max: 2, noNaN: true });

describe("modify price sides", () => {
  it("accepts any stop at or below the entry and any target above it for a buy (breakeven included)", () => {
    fc.assert(
      fc.property(
        price,
        fc.double({ min: 0, max: 0.4, noNaN: true }),
        fc.double({ min: 0.0001, max: 0.4, noNaN: true }),
        (entry, down, up) => {
          const signal = {
            side: "buy" as const,
            entryPrice: entry,
            stopLoss: entry - 0.45,
            takeProfit: entry + 0.45,
          };
          expect(modifyPriceProblems(signal, { stopLoss: entry - down, takeProfit: entry + up })).toEqual([]);
        },
      ),
    );
  });

  it("refuses a stop beyond the entry and a target behind it, on both sides", () => {
    fc.assert(
      fc.property(price, fc.double({ min: 0.0001, max: 0.4, noNaN: true }), fc.boolean(), (entry, d, buy) => {
        const side = buy ? ("buy" as const) : ("sell" as const);
        const sign = buy ? 1 : -1;
        const signal = { side, entryPrice: entry, stopLoss: null, takeProfit: null };
        expect(modifyPriceProblems(signal, { stopLoss: entry + sign * d, takeProfit: null })).toEqual([
          expect.objectContaining({ path: "stopLoss" }),
        ]);
        expect(modifyPriceProblems(signal, { stopLoss: null, takeProfit: entry - sign * d })).toEqual([
          expect.objectContaining({ path: "takeProfit" }),
        ]);
      }),
    );
  });

  it("without an entry price keeps the stop on the losing side of the target, old or new", () => {
    const market = { side: "sell" as const, entryPrice: null, stopLoss: 1.2, takeProfit: 1.0 };
    expect(modifyPriceProblems(market, { stopLoss: 1.1, takeProfit: null })).toEqual([]);
    expect(modifyPriceProblems(market, { stopLoss: 0.9, takeProfit: null })).toEqual([
      expect.objectContaining({ path: "stopLoss" }),
    ]);
    expect(modifyPriceProblems(market, { stopLoss: null, takeProfit: 1.3 })).toEqual([
      expect.objectContaining({ path: "takeProfit" }),
    ]);
  });
});

describe("update shapes and identity", () => {
  const close: UpdateInput = {
    action: "close",
    stopLoss: null,
    takeProfit: null,
    fraction: null,
    externalId: "x",
    note: null,
  };

  it("asks each action for exactly what it takes", () => {
    expect(updateShapeProblems(close)).toEqual([]);
    expect(updateShapeProblems({ ...close, action: "close_partial", fraction: 0.3 })).toEqual([]);
    expect(updateShapeProblems({ ...close, action: "modify", takeProfit: 1.2 })).toEqual([]);
    expect(updateShapeProblems({ ...close, action: "modify" }).map((p) => p.path)).toEqual(["stopLoss"]);
    expect(updateShapeProblems({ ...close, fraction: 0.5 }).map((p) => p.path)).toEqual(["fraction"]);
  });

  it("hashes the same update body the same way for one signal, and differently for another", () => {
    expect(updateRequestHash("sig_a", close)).toBe(updateRequestHash("sig_a", { ...close }));
    expect(updateRequestHash("sig_a", close)).not.toBe(updateRequestHash("sig_b", close));
    expect(updateRequestHash("sig_a", close)).not.toBe(updateRequestHash("sig_a", { ...close, note: "n" }));
  });
});
