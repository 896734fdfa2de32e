import { describe, expect, it } from "vitest";
import { newId } from "./ids";

describe("newId", () => {
  it("is the prefix, 10 characters of time and 16 random ones, in Crockford base32", () => {
    expect(newId("exe", 0)).toMatch(/^exe_0000000000[0-9A-HJKMNP-TV-Z]{16}$/);
  });

  it("sorts by creation time", () => {
    const ids = [3, 1_000, 1_765_000_000_000, 1_765_000_000_001].map((t) => newId("usr", t));
    expect([...ids].sort()).toEqual(ids);
  });

  it("never repeats its random part, across many refills of the random pool", () => {
    const parts = new Set<string>();
    for (let i = 0; i < 5_000; i++) parts.add(newId("x", 42).slice(-16));
    expect(parts.size).toBe(5_000);
  });
});
