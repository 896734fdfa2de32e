import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY_MS, nextPeriodStart, resolveAccess } from "./entitlements.models";

const at = new Date("2026-11-21T10:00:00Z");
const days = (n: number) => new Date(at.getTime() + n * DAY_MS);
const tiers = new Map([
  [
    "t_prem",
    {
      level: "premium" as const,
      monthlyPriceMinor: 2900,
      features: { signals: true, maxDevices: 1, autoApprove: false, minSignalTier: "premium" as const },
    },
  ],
  [
    "t_vip",
    {
      level: "vip" as const,
      monthlyPriceMinor: 5900,
      features: { signals: true, maxDevices: 3, autoApprove: true, minSignalTier: "vip" as const },
    },
  ],
]);
const period = (tierId: string, from: number, to: number, revoked = false) => ({
  tierId,
  startsAt: days(from),
  expiresAt: days(to),
  revokedAt: revoked ? at : null,
});

describe("resolving a user's tier", () => {
  it("is free with no active period", () => {
    expect(resolveAccess([], tiers, at)).toEqual({
      tier: "free",
      features: { signals: false, maxDevices: 1, autoApprove: false },
    });
  });

  it("takes the highest active level and its features", () => {
    const r = resolveAccess([period("t_prem", -1, 29), period("t_vip", -1, 5)], tiers, at);
    expect(r.tier).toBe("vip");
    expect(r.features.maxDevices).toBe(3);
  });

  it("ignores revoked, future and expired periods (expiry is exclusive)", () => {
    const r = resolveAccess(
      [period("t_vip", -1, 5, true), period("t_vip", 1, 30), period("t_vip", -30, 0), period("t_prem", 0, 1)],
      tiers,
      at,
    );
    expect(r.tier).toBe("premium");
  });
});

describe("where a renewal starts", () => {
  it("starts now without a running period of the same tier", () => {
    expect(nextPeriodStart([], at)).toEqual(at);
    expect(nextPeriodStart([period("t_prem", -40, -10)], at)).toEqual(at);
  });

  it("chains after the latest unrevoked period, so renewing early never loses days", () => {
    expect(nextPeriodStart([period("t_prem", -10, 20), period("t_prem", 20, 50)], at)).toEqual(days(50));
    expect(nextPeriodStart([period("t_prem", 20, 50, true), period("t_prem", -10, 20)], at)).toEqual(
      days(20),
    );
  });

  it("never starts before now, whatever the existing periods", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            from: fc.integer({ min: -100, max: 100 }),
            len: fc.integer({ min: 1, max: 400 }),
            revoked: fc.boolean(),
          }),
        ),
        (ps) => {
          const start = nextPeriodStart(
            ps.map((p) => period("t_prem", p.from, p.from + p.len, p.revoked)),
            at,
          );
          expect(start.getTime()).toBeGreaterThanOrEqual(at.getTime());
        },
      ),
    );
  });
});
