import { describe, expect, it } from "vitest";
import { fixedWindowCounter } from "./rate-limit-window";

describe("fixed window per principal (memory, one instance)", () => {
  const counter = () => {
    let now = 1_000_000;
    const count = fixedWindowCounter({ windowMs: 60_000, now: () => now });
    return { count, later: (ms: number) => (now += ms) };
  };

  it("lets `max` requests of a principal through in its window and refuses the rest until it ends", () => {
    const { count, later } = counter();
    const first = count("device:dev_a", 3);
    expect(first).toEqual({ key: "device:dev_a", max: 3, remaining: 2, ttlInSeconds: 60, isExceeded: false });
    later(10_500);
    expect(count("device:dev_a", 3)).toMatchObject({ remaining: 1, ttlInSeconds: 50, isExceeded: false });
    expect(count("device:dev_a", 3)).toMatchObject({ remaining: 0, isExceeded: false });
    expect(count("device:dev_a", 3)).toMatchObject({ remaining: 0, ttlInSeconds: 50, isExceeded: true });
    later(49_499);
    expect(count("device:dev_a", 3)).toMatchObject({ isExceeded: true, ttlInSeconds: 1 });
    later(1);
    // The window opened at the first request is over: the budget is whole again.
    expect(count("device:dev_a", 3)).toMatchObject({ remaining: 2, ttlInSeconds: 60, isExceeded: false });
  });

  it("says whether one more request would pass without counting it", () => {
    const { count, later } = counter();
    expect(count.hasRoom("device:dev_a", 2)).toBe(true);
    count("device:dev_a", 2);
    expect(count.hasRoom("device:dev_a", 2)).toBe(true);
    expect(count.hasRoom("device:dev_a", 2)).toBe(true);
    count("device:dev_a", 2);
    expect(count.hasRoom("device:dev_a", 2)).toBe(false);
    expect(count.hasRoom("device:dev_b", 2)).toBe(true);
    later(60_000);
    // The window is over: the next request opens a new one.
    expect(count.hasRoom("device:dev_a", 2)).toBe(true);
    expect(count("device:dev_a", 2)).toMatchObject({ remaining: 1 });
  });

  it("counts each principal on its own", () => {
    const { count } = counter();
    for (let i = 0; i < 5; i++) count("ip:203.0.113.7", 2);
    expect(count("ip:203.0.113.7", 2).isExceeded).toBe(true);
    expect(count("ip:198.51.100.1", 2)).toMatchObject({ remaining: 1, isExceeded: false });
  });

  it("forgets principals whose window is over, without losing a window still open", () => {
    const { count, later } = counter();
    for (let i = 0; i < 3; i++) count("ip:192.0.2.1", 2);
    later(30_000);
    count("ip:192.0.2.2", 2);
    later(30_000);
    // The sweep at this call drops 192.0.2.1's finished window; 192.0.2.2's still counts.
    expect(count("ip:192.0.2.2", 2)).toMatchObject({ remaining: 0, isExceeded: false });
    expect(count("ip:192.0.2.1", 2)).toMatchObject({ remaining: 1, isExceeded: false });
  });
});
