import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { starsFor } from "./payments.models";

describe("Stars rules", () => {
  it("the Stars price is the GBP amount × stars per pound, rounded up to a whole star", () => {
    expect(starsFor(8265, 75)).toBe(6199);
    expect(starsFor(2958, 75)).toBe(2219);
    expect(starsFor(100, 75)).toBe(75);
    expect(() => starsFor(0, 75)).toThrow(RangeError);
  });

  it("the Stars price never undercharges and never overcharges by a whole star", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 1000 }), (gbp, rate) => {
        const stars = starsFor(gbp, rate);
        return stars * 100 >= gbp * rate && (stars - 1) * 100 < gbp * rate;
      }),
    );
  });
});
