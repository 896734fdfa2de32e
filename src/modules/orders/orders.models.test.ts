import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canTransition,
  checkTransition,
  decodeCursor,
  effectiveStatus,
  encodeCursor,
  isFinal,
  ORDER_TTL_MS,
  paidInTime,
  paymentMismatch,
  requiredFrom,
  STRIPE_REDELIVERY_MS,
  sweepable,
  TRANSITIONS,
} from "./orders.models";
import { ORDER_STATUSES, type OrderStatus } from "./orders.table";

const T0 = Date.parse("2026-11-21T10:00:00.000Z");
const status = fc.constantFrom(...ORDER_STATUSES);
const order = (s: OrderStatus, expiresAt = new Date(T0 + ORDER_TTL_MS)) => ({ status: s, expiresAt });

describe("order state machine", () => {
  it("allows exactly pending → paid | cancelled | expired and paid → refunded", () => {
    const allowed = ORDER_STATUSES.flatMap((from) =>
      ORDER_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed.sort()).toEqual(
      ["paid→refunded", "pending→cancelled", "pending→expired", "pending→paid"].sort(),
    );
  });

  it("names one source status for every reachable status, used by the conditional UPDATE", () => {
    expect(requiredFrom("paid")).toBe("pending");
    expect(requiredFrom("cancelled")).toBe("pending");
    expect(requiredFrom("expired")).toBe("pending");
    expect(requiredFrom("refunded")).toBe("paid");
  });

  it("never leaves a final status, and no status leads back to pending", () => {
    fc.assert(
      fc.property(status, status, (from, to) => {
        if (isFinal(from)) expect(canTransition(from, to)).toBe(false);
        expect(canTransition(from, "pending")).toBe(false);
        expect(canTransition(from, from)).toBe(false);
      }),
    );
  });

  it("any sequence of attempted transitions follows the graph, and paid happens at most once", () => {
    fc.assert(
      fc.property(fc.array(status, { maxLength: 20 }), (attempts) => {
        let current: OrderStatus = "pending";
        let paidCount = 0;
        for (const to of attempts) {
          if (!canTransition(current, to)) continue;
          expect(TRANSITIONS[current]).toContain(to);
          if (to === "paid") paidCount += 1;
          current = to;
        }
        expect(paidCount).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("reads a pending order past its expiry as expired, and nothing else changes with time", () => {
    fc.assert(
      fc.property(status, fc.integer({ min: -2 * ORDER_TTL_MS, max: 2 * ORDER_TTL_MS }), (s, offset) => {
        const o = order(s);
        const at = new Date(o.expiresAt.getTime() + offset);
        const expected = s === "pending" && offset >= 0 ? "expired" : s;
        expect(effectiveStatus(o, at)).toBe(expected);
      }),
    );
  });

  it("refuses to pay, cancel or attach to an order that reads as expired", () => {
    const expired = order("pending");
    const after = new Date(expired.expiresAt.getTime() + 1);
    expect(checkTransition(expired, "paid", after)).toEqual({ ok: false, current: "expired" });
    expect(checkTransition(expired, "cancelled", after)).toEqual({ ok: false, current: "expired" });
    expect(checkTransition(expired, "expired", after)).toEqual({ ok: true });
    expect(checkTransition(order("paid"), "cancelled", after)).toEqual({ ok: false, current: "paid" });
  });
});

describe("payments against an order", () => {
  it("counts a payment only if it happened before the order expired", () => {
    const o = order("pending");
    expect(paidInTime(o, new Date(o.expiresAt.getTime() - 1))).toBe(true);
    expect(paidInTime(o, o.expiresAt)).toBe(false);
    expect(paidInTime(order("cancelled"), new Date(T0))).toBe(false);
  });

  it("accepts exactly the order's amount and currency, in any letter case", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.constantFrom("GBP", "USD", "EUR", "SGD"),
        fc.constantFrom("gbp", "usd", "eur", "sgd"),
        (total, paid, currency, paidCurrency) => {
          const o = { totalMinor: total, currency, starsAmount: null };
          const reason = paymentMismatch(o, { amount: paid, currency: paidCurrency });
          const matches = total === paid && currency.toLowerCase() === paidCurrency;
          expect(reason === null).toBe(matches);
        },
      ),
    );
  });

  it("checks a Telegram Stars payment against the Stars price fixed on the order", () => {
    const o = { totalMinor: 2900, currency: "GBP", starsAmount: 2175 };
    expect(paymentMismatch(o, { amount: 2175, currency: "XTR" })).toBeNull();
    expect(paymentMismatch(o, { amount: 2900, currency: "XTR" })).toMatch(/amount 2900 instead of 2175/);
    expect(paymentMismatch({ ...o, starsAmount: null }, { amount: 2175, currency: "XTR" })).toMatch(
      /unexpected currency/,
    );
  });
});

describe("the expiry sweeper", () => {
  it("expires plain pending orders at their expiry, and Stripe-backed ones after the redelivery window", () => {
    const plain = { ...order("pending"), stripeSessionId: null };
    const stripe = { ...order("pending"), stripeSessionId: "cs_1" };
    const at = (ms: number) => new Date(plain.expiresAt.getTime() + ms);
    expect(sweepable(plain, at(-1))).toBe(false);
    expect(sweepable(plain, at(0))).toBe(true);
    expect(sweepable(stripe, at(0))).toBe(false);
    expect(sweepable(stripe, at(STRIPE_REDELIVERY_MS))).toBe(true);
    expect(sweepable({ ...plain, status: "paid" }, at(STRIPE_REDELIVERY_MS))).toBe(false);
  });
});

describe("list cursors", () => {
  it("round-trip an order id and refuse anything else", () => {
    const id = "ord_01HZZZZZZZ0123456789ABCDEF";
    expect(decodeCursor(encodeCursor(id))).toBe(id);
    expect(decodeCursor("not-a-cursor")).toBeNull();
    expect(decodeCursor(encodeCursor("usr_01HZZZZZZZ0123456789ABCDEF"))).toBeNull();
  });
});
