import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FREE_FEATURES } from "../users/users.models";
import {
  autoApproves,
  decisionView,
  isAddressed,
  priceProblems,
  requestHash,
  type SignalInput,
  signalStatus,
} from "./signals.models";

const base: SignalInput = {
  externalId: null,
  instrument: "EURUSD",
  side: "buy",
  orderType: "limit",
  entryPrice: 1.1,
  stopLoss: 1.09,
  takeProfit: 1.12,
  volume: null,
  ttlSeconds: 300,
  minTier: "premium",
  note: null,
};
const vip = { signals: true, maxDevices: 3, autoApprove: true, minSignalTier: "vip" as const };

describe("price relations", () => {
  it("accepts a buy with stop loss below and take profit above the entry, and a sell the other way", () => {
    expect(priceProblems(base)).toEqual([]);
    expect(priceProblems({ ...base, side: "sell", stopLoss: 1.12, takeProfit: 1.09 })).toEqual([]);
  });

  it("refuses a buy whose stop loss is above the entry, naming the field", () => {
    expect(priceProblems({ ...base, stopLoss: 1.11 })).toEqual([
      { path: "stopLoss", message: "must be below the entry price for a buy" },
    ]);
  });

  it("refuses a sell whose take profit is above the entry", () => {
    expect(priceProblems({ ...base, side: "sell", stopLoss: 1.12, takeProfit: 1.13 })).toEqual([
      { path: "takeProfit", message: "must be below the entry price for a sell" },
    ]);
  });

  it("requires an entry price for limit and stop orders, not for market orders", () => {
    expect(priceProblems({ ...base, orderType: "stop", entryPrice: null })[0]?.path).toBe("entryPrice");
    expect(priceProblems({ ...base, orderType: "market", entryPrice: null })).toEqual([]);
  });

  it("keeps a market order's stop loss on the losing side of its take profit", () => {
    const market = { ...base, orderType: "market" as const, entryPrice: null };
    expect(priceProblems({ ...market, stopLoss: 1.2, takeProfit: 1.1 })[0]?.path).toBe("stopLoss");
  });

  it("never reports a problem for any correctly ordered buy", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.0001, max: 1e6, noNaN: true }),
        fc.double({ min: 0.0001, max: 1e6, noNaN: true }),
        fc.double({ min: 0.0001, max: 1e6, noNaN: true }),
        (a, b, c) => {
          const [sl, entry, tp] = [a, b, c].sort((x, y) => x - y) as [number, number, number];
          fc.pre(sl < entry && entry < tp);
          return priceProblems({ ...base, stopLoss: sl, entryPrice: entry, takeProfit: tp }).length === 0;
        },
      ),
    );
  });
});

describe("the idempotency hash", () => {
  it("is the same for the same signal and differs when any field differs", () => {
    expect(requestHash(base)).toBe(requestHash({ ...base }));
    expect(requestHash({ ...base, note: "x" })).not.toBe(requestHash(base));
    expect(requestHash({ ...base, volume: 0.1 })).not.toBe(requestHash(base));
  });
});

describe("status and decisions", () => {
  const at = new Date("2026-11-21T10:00:00Z");
  it("is open until expiresAt, then expired; cancelled wins", () => {
    expect(signalStatus({ expiresAt: new Date(at.getTime() + 1), cancelledAt: null }, at)).toBe("open");
    expect(signalStatus({ expiresAt: at, cancelledAt: null }, at)).toBe("expired");
    expect(signalStatus({ expiresAt: new Date(at.getTime() + 1), cancelledAt: at }, at)).toBe("cancelled");
  });

  it("shows a decision still pending on a closed signal as expired", () => {
    expect(decisionView("pending", "expired")).toBe("expired");
    expect(decisionView("pending", "cancelled")).toBe("expired");
    expect(decisionView("approved", "expired")).toBe("approved");
    expect(decisionView("pending", "open")).toBe("pending");
  });
});

describe("addressing", () => {
  it("reaches users whose plan has signals and whose tier is at least the minimum", () => {
    expect(isAddressed({ tier: "vip", features: vip }, "premium")).toBe(true);
    expect(isAddressed({ tier: "vip", features: vip }, "vip")).toBe(true);
    expect(isAddressed({ tier: "vip", features: vip }, "enterprise")).toBe(false);
    expect(isAddressed({ tier: "premium", features: { ...vip, signals: false } }, "premium")).toBe(false);
    expect(isAddressed({ tier: "free", features: FREE_FEATURES }, "premium")).toBe(false);
  });

  it("auto-approves only with the user's switch on and a plan that includes it", () => {
    expect(autoApproves(true, vip)).toBe(true);
    expect(autoApproves(false, vip)).toBe(false);
    expect(autoApproves(true, { ...vip, autoApprove: false })).toBe(false);
  });
});
