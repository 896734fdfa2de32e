import { describe, expect, it } from "vitest";
import { DAY_MS, isActive, resolveAccess } from "./entitlements.models";

// Which period decides a user's access (pinned by mutation testing, issue 20).

const at = new Date("2026-11-21T10:00:00Z");
const days = (n: number) => new Date(at.getTime() + n * DAY_MS);
const features = (maxDevices: number) => ({
  signals: true,
  maxDevices,
  autoApprove: false,
  minSignalTier: "premium" as const,
});
const tiers = new Map([
  ["t_prem", { level: "premium" as const, monthlyPriceMinor: 2900, features: features(1) }],
  ["t_prem_plus", { level: "premium" as const, monthlyPriceMinor: 3900, features: features(2) }],
  ["t_vip", { level: "vip" as const, monthlyPriceMinor: 5900, features: features(3) }],
  ["t_prem_gold", { level: "premium" as const, monthlyPriceMinor: 9900, features: features(4) }],
]);
const active = (tierId: string) => ({ tierId, startsAt: days(-1), expiresAt: days(1), revokedAt: null });

describe("the period that decides access", () => {
  it("the highest level wins whichever order the periods come in", () => {
    for (const order of [
      ["t_vip", "t_prem"],
      ["t_prem", "t_vip"],
    ]) {
      expect(resolveAccess(order.map(active), tiers, at)).toEqual({ tier: "vip", features: features(3) });
    }
  });

  it("a higher level wins even over a pricier tier of a lower level", () => {
    for (const order of [
      ["t_vip", "t_prem_gold"],
      ["t_prem_gold", "t_vip"],
    ]) {
      expect(resolveAccess(order.map(active), tiers, at)).toEqual({ tier: "vip", features: features(3) });
    }
  });

  it("between two tiers of one level, the pricier one's features apply, in any order", () => {
    for (const order of [
      ["t_prem_plus", "t_prem"],
      ["t_prem", "t_prem_plus"],
    ]) {
      expect(resolveAccess(order.map(active), tiers, at).features).toEqual(features(2));
    }
  });

  it("a period of a tier that no longer exists grants nothing, and does not break the others", () => {
    expect(resolveAccess([active("t_deleted")], tiers, at).tier).toBe("free");
    expect(resolveAccess([active("t_deleted"), active("t_prem")], tiers, at).tier).toBe("premium");
    expect(resolveAccess([active("t_prem"), active("t_deleted")], tiers, at).tier).toBe("premium");
  });

  it("a period is active from its first millisecond to just before its end, unless revoked", () => {
    const p = { startsAt: at, expiresAt: days(1), revokedAt: null };
    expect(isActive(p, new Date(at.getTime() - 1))).toBe(false);
    expect(isActive(p, at)).toBe(true);
    expect(isActive(p, new Date(days(1).getTime() - 1))).toBe(true);
    expect(isActive(p, days(1))).toBe(false);
    expect(isActive({ ...p, revokedAt: at }, at)).toBe(false);
  });
});
