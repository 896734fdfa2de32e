import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canTransition,
  checkTransition,
  decodeCursor,
  effectiveStatus,
  encodeCursor,
  entitlementDays,
  isFinal,
  MIN_CHECKOUT_WINDOW_MS,
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
    // The final statuses are named, so the property below can never hold vacuously.
    expect(ORDER_STATUSES.filter(isFinal).sort()).toEqual(["cancelled", "expired", "refunded"]);
    fc.assert(
      fc.property(fc.constantFrom(...ORDER_STATUSES.filter(isFinal)), status, (from, to) => {
        expect(canTransition(from, to)).toBe(false);
      }),
    );
    fc.assert(
      fc.property(status, (from) => {
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

describe("list cursors accept nothing but a whole order id", () => {
  const id = "ord_01HZZZZZZZ0123456789ABCDEF";

  it("refuse an order id with anything before or after it", () => {
    expect(decodeCursor(encodeCursor(`x${id}`))).toBeNull();
    expect(decodeCursor(encodeCursor(`${id}0`))).toBeNull();
    expect(decodeCursor(encodeCursor(`${id}\n`))).toBeNull();
    expect(decodeCursor(encodeCursor(`usr_1\n${id}`))).toBeNull();
  });

  it("refuse ids of another length or alphabet", () => {
    expect(decodeCursor(encodeCursor(id.slice(0, -1)))).toBeNull();
    expect(decodeCursor(encodeCursor(id.toLowerCase()))).toBeNull();
    expect(decodeCursor(encodeCursor("ord_01HZZZZZZZ0123456789ABCDE-"))).toBeNull();
    expect(decodeCursor(encodeCursor("ord_"))).toBeNull();
  });

  it("round-trip any order id", () => {
    const char = fc.constantFrom(..."0123456789ABCDEFGHJKMNPQRSTVWXYZ".split(""));
    fc.assert(
      fc.property(fc.array(char, { minLength: 26, maxLength: 26 }), (chars) => {
        const anyId = `ord_${chars.join("")}`;
        expect(decodeCursor(encodeCursor(anyId))).toBe(anyId);
      }),
    );
  });
});

describe("order rules at their edges", () => {
  it("a payment at the last millisecond before expiry counts, and one for a paid order never does", () => {
    const o = order("pending");
    expect(paidInTime(o, new Date(T0))).toBe(true);
    expect(paidInTime(order("paid"), new Date(T0))).toBe(false);
  });

  it("a pending order reads as pending until the very millisecond it expires", () => {
    const o = order("pending");
    expect(effectiveStatus(o, new Date(o.expiresAt.getTime() - 1))).toBe("pending");
    expect(effectiveStatus(o, o.expiresAt)).toBe("expired");
  });

  it("the sweeper may expire a pending order that already reads as expired, and nothing else", () => {
    const o = order("pending");
    const after = new Date(o.expiresAt.getTime() + 1);
    expect(checkTransition(o, "expired", new Date(T0))).toEqual({ ok: true });
    expect(checkTransition(order("paid"), "expired", after)).toEqual({ ok: false, current: "paid" });
    expect(checkTransition(order("paid"), "refunded", after)).toEqual({ ok: true });
    expect(checkTransition(o, "paid", new Date(T0))).toEqual({ ok: true });
  });

  it("a Stripe-backed order waits the whole redelivery window, to the millisecond", () => {
    const stripe = { ...order("pending"), stripeSessionId: "cs_1" };
    const at = (ms: number) => new Date(stripe.expiresAt.getTime() + ms);
    expect(sweepable(stripe, at(STRIPE_REDELIVERY_MS - 1))).toBe(false);
    expect(sweepable(stripe, at(STRIPE_REDELIVERY_MS))).toBe(true);
    expect(STRIPE_REDELIVERY_MS).toBe(3 * 24 * 60 * 60 * 1000);
  });

  it("a card payment in another currency names both currencies; a wrong amount names both amounts", () => {
    const o = { totalMinor: 2900, currency: "GBP", starsAmount: 2175 };
    expect(paymentMismatch(o, { amount: 2900, currency: "usd" })).toBe("currency USD instead of GBP");
    expect(paymentMismatch(o, { amount: 2899, currency: "gbp" })).toBe("amount 2899 instead of 2900 GBP");
    expect(paymentMismatch({ ...o, starsAmount: null }, { amount: 1, currency: "xtr" })).toBe(
      "unexpected currency XTR",
    );
    expect(paymentMismatch(o, { amount: 2175, currency: "xtr" })).toBeNull();
  });

  it("every reachable status has a source, and pending has none", () => {
    expect(() => requiredFrom("pending" as "paid")).toThrow(new RangeError("no transition leads to pending"));
  });

  it("a Stripe Checkout Session is asked for at least 31 minutes (Stripe refuses under 30)", () => {
    expect(MIN_CHECKOUT_WINDOW_MS).toBe(31 * 60_000);
  });

  it("a month of access is 30 days", () => {
    expect(entitlementDays(1)).toBe(30);
    expect(entitlementDays(12)).toBe(360);
  });
});
