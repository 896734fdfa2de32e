import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PollItem } from "./delivery.index";
import {
  DEFAULT_WAITER_LIMITS,
  EMPTY_ANSWER,
  ParkingFull,
  type PollAnswer,
  Waiters,
} from "./delivery.waiters";

// A parked long poll ends exactly once (woken, timed out, abandoned or released) and leaves
// nothing behind: no timer, no close listener, no entry for its device.

const item = (signalId: string): PollItem => ({
  signalId,
  instrument: "EURUSD",
  side: "buy",
  orderType: "market",
  entryPrice: null,
  stopLoss: null,
  takeProfit: null,
  volume: null,
  expiresAt: "2026-11-21T10:05:00.000Z",
});

/** A poll answer carrying these signals and no position updates. */
const signals = (...ids: string[]): PollAnswer => ({ signals: ids.map(item), updates: [] });

/** The client connection a poll waits on: emits "close" when the device goes away. */
const connection = () => new EventEmitter();

// Every test here takes milliseconds; a poll that never ends fails in 5 s, not the suite's 30.
describe("parked long polls", { timeout: 5_000 }, () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a woken poll answers with the device's signals and leaves nothing parked", async () => {
    const waiters = new Waiters();
    const socket = connection();
    const answer = waiters.park("dev_a", 20_000, socket);
    expect(waiters.size).toBe(1);
    expect(waiters.has("dev_a")).toBe(true);
    expect(waiters.deviceIds()).toEqual(["dev_a"]);
    waiters.wake("dev_a", () => signals("sig_1"));
    expect(await answer).toEqual(signals("sig_1"));
    expect(waiters.size).toBe(0);
    expect(waiters.has("dev_a")).toBe(false);
    expect(waiters.deviceIds()).toEqual([]);
    expect(socket.listenerCount("close")).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a wake with nothing to hand keeps the poll waiting", async () => {
    const waiters = new Waiters();
    const answer = waiters.park("dev_a", 20_000, connection());
    waiters.wake("dev_a", () => signals());
    expect(waiters.size).toBe(1);
    expect(waiters.has("dev_a")).toBe(true);
    waiters.wake("dev_a", () => signals("sig_2"));
    expect(await answer).toEqual(signals("sig_2"));
  });

  it("a wake for a device with no parked poll does not even compute its signals", () => {
    const waiters = new Waiters();
    waiters.park("dev_a", 20_000, connection());
    const items = vi.fn(() => signals("sig_1"));
    waiters.wake("dev_b", items);
    expect(items).not.toHaveBeenCalled();
    expect(waiters.size).toBe(1);
  });

  it("wakes every poll the device has parked, and only that device's", async () => {
    const waiters = new Waiters();
    const first = waiters.park("dev_a", 20_000, connection());
    const second = waiters.park("dev_a", 20_000, connection());
    const other = waiters.park("dev_b", 20_000, connection());
    expect(waiters.size).toBe(3);
    waiters.wake("dev_a", () => signals("sig_1"));
    expect(await first).toEqual(signals("sig_1"));
    expect(await second).toEqual(signals("sig_1"));
    expect(waiters.size).toBe(1);
    expect(waiters.deviceIds()).toEqual(["dev_b"]);
    waiters.release("dev_b");
    expect(await other).toEqual(EMPTY_ANSWER);
  });

  it("a poll nobody wakes answers empty when its wait is over, not before", async () => {
    const waiters = new Waiters();
    const socket = connection();
    let answered: PollAnswer | undefined;
    void waiters.park("dev_a", 20_000, socket).then((items) => {
      answered = items;
    });
    await vi.advanceTimersByTimeAsync(19_999);
    expect(answered).toBeUndefined();
    expect(waiters.size).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(answered).toEqual(EMPTY_ANSWER);
    expect(waiters.size).toBe(0);
    expect(waiters.has("dev_a")).toBe(false);
    expect(socket.listenerCount("close")).toBe(0);
  });

  it("thousands of parked polls share one timer, which stops once none is left", async () => {
    const waiters = new Waiters({ perDevice: 2, total: 10_000 });
    const polls = Array.from({ length: 1_000 }, (_, i) => waiters.park(`dev_${i}`, 30_000, connection()));
    expect(waiters.size).toBe(1_000);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await Promise.all(polls)).toEqual(polls.map(() => EMPTY_ANSWER));
    expect(waiters.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("each poll answers empty at its own deadline, whatever its wait and whenever it was parked", async () => {
    const waiters = new Waiters();
    const ended: string[] = [];
    const park = (name: string, waitMs: number) =>
      void waiters.park(name, waitMs, connection()).then(() => ended.push(name));
    park("long", 20_000); // ends at 20 s
    await vi.advanceTimersByTimeAsync(5_000);
    park("short", 10_000); // parked later with a shorter wait: ends at 15 s, before "long"
    park("same", 20_000); // ends at 25 s
    await vi.advanceTimersByTimeAsync(9_999);
    expect(ended).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(ended).toEqual(["short"]);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(ended).toEqual(["short"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(ended).toEqual(["short", "long"]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ended).toEqual(["short", "long", "same"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a poll woken before its deadline does not end the next one early", async () => {
    const waiters = new Waiters();
    const first = waiters.park("dev_a", 10_000, connection());
    let second: PollAnswer | undefined;
    void waiters.park("dev_b", 10_000, connection()).then((a) => {
      second = a;
    });
    waiters.wake("dev_a", () => signals("sig_1"));
    expect(await first).toEqual(signals("sig_1"));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(second).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(second).toEqual(EMPTY_ANSWER);
  });

  it("a device that hangs up ends its poll at once, and only that poll", async () => {
    const waiters = new Waiters();
    const gone = connection();
    const hungUp = waiters.park("dev_a", 20_000, gone);
    const stillThere = waiters.park("dev_a", 20_000, connection());
    gone.emit("close");
    expect(await hungUp).toEqual(EMPTY_ANSWER);
    expect(waiters.size).toBe(1);
    expect(waiters.has("dev_a")).toBe(true);
    expect(vi.getTimerCount()).toBe(1);
    waiters.wake("dev_a", () => signals("sig_1"));
    expect(await stillThere).toEqual(signals("sig_1"));
  });

  it("ends each poll once: a later timeout, hang-up or wake changes nothing and counts nothing", async () => {
    const waiters = new Waiters();
    const socket = connection();
    const answer = waiters.park("dev_a", 20_000, socket);
    waiters.wake("dev_a", () => signals("sig_1"));
    socket.emit("close");
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await answer).toEqual(signals("sig_1"));
    expect(waiters.size).toBe(0);
    const next = waiters.park("dev_a", 20_000, connection());
    expect(waiters.size).toBe(1);
    waiters.release("dev_a");
    expect(await next).toEqual(EMPTY_ANSWER);
    expect(waiters.size).toBe(0);
  });

  it("a release at shutdown answers every parked poll empty", async () => {
    const waiters = new Waiters();
    const polls = [
      waiters.park("dev_a", 20_000, connection()),
      waiters.park("dev_a", 20_000, connection()),
      waiters.park("dev_b", 20_000, connection()),
    ];
    waiters.releaseAll();
    expect(await Promise.all(polls)).toEqual([EMPTY_ANSWER, EMPTY_ANSWER, EMPTY_ANSWER]);
    expect(waiters.size).toBe(0);
    expect(waiters.deviceIds()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a wake with position updates only still ends the poll", async () => {
    const waiters = new Waiters();
    const answer = waiters.park("dev_a", 20_000, connection());
    const updatesOnly = { signals: [], updates: [{ id: "upd_1" }] } as unknown as PollAnswer;
    waiters.wake("dev_a", () => updatesOnly);
    expect(await answer).toBe(updatesOnly);
  });

  it("releasing a device with no parked poll is harmless", () => {
    const waiters = new Waiters();
    expect(() => waiters.release("dev_unknown")).not.toThrow();
    expect(waiters.size).toBe(0);
  });

  it("a device holds at most two parked polls: a third answers the oldest empty at once", async () => {
    expect(DEFAULT_WAITER_LIMITS.perDevice).toBe(2);
    const waiters = new Waiters();
    const sockets = [connection(), connection(), connection()];
    const settled: string[] = [];
    const first = waiters.park("dev_a", 20_000, sockets[0]!).then((a) => settled.push("first") && a);
    const second = waiters.park("dev_a", 20_000, sockets[1]!).then((a) => settled.push("second") && a);
    await vi.advanceTimersByTimeAsync(0);
    expect([waiters.size, settled]).toEqual([2, []]);
    const third = waiters.park("dev_a", 20_000, sockets[2]!);
    expect(await first).toEqual(EMPTY_ANSWER);
    expect(settled).toEqual(["first"]);
    expect(waiters.size).toBe(2);
    expect(sockets[0]!.listenerCount("close")).toBe(0);
    // The two newest still wait, and are woken together.
    waiters.wake("dev_a", () => signals("sig_1"));
    expect(await Promise.all([second, third])).toEqual([signals("sig_1"), signals("sig_1")]);
    expect(waiters.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("another device's polls do not count against a device's two", async () => {
    const waiters = new Waiters();
    const a = waiters.park("dev_a", 20_000, connection());
    waiters.park("dev_b", 20_000, connection());
    waiters.park("dev_b", 20_000, connection());
    waiters.park("dev_c", 20_000, connection());
    expect(waiters.size).toBe(4);
    waiters.wake("dev_a", () => signals("sig_a"));
    expect(await a).toEqual(signals("sig_a"));
    waiters.releaseAll();
  });

  it("honours a per-device limit of one", async () => {
    const waiters = new Waiters({ perDevice: 1, total: 10 });
    const first = waiters.park("dev_a", 20_000, connection());
    waiters.park("dev_a", 20_000, connection());
    expect(await first).toEqual(EMPTY_ANSWER);
    expect(waiters.size).toBe(1);
    waiters.releaseAll();
  });

  it("refuses a poll past the instance's total, and parks again once one ends", async () => {
    const waiters = new Waiters({ perDevice: 2, total: 2 });
    const socket = connection();
    const a1 = waiters.park("dev_a", 20_000, connection());
    const a2 = waiters.park("dev_a", 20_000, connection());
    expect(() => waiters.park("dev_c", 20_000, socket)).toThrow(ParkingFull);
    expect(socket.listenerCount("close")).toBe(0);
    expect(waiters.size).toBe(2);
    expect(waiters.has("dev_c")).toBe(false);
    // A device at its own limit replaces its oldest poll, so it is never refused by the total.
    const a3 = waiters.park("dev_a", 20_000, connection());
    expect(await a1).toEqual(EMPTY_ANSWER);
    expect(waiters.size).toBe(2);
    waiters.release("dev_a");
    expect(await Promise.all([a2, a3])).toEqual([EMPTY_ANSWER, EMPTY_ANSWER]);
    const c = waiters.park("dev_c", 20_000, socket);
    expect(waiters.size).toBe(1);
    waiters.releaseAll();
    expect(await c).toEqual(EMPTY_ANSWER);
    expect(vi.getTimerCount()).toBe(0);
  });
});
