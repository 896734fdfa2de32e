import { describe, expect, it } from "vitest";
import { exactJson, exactTotal } from "./exact-json";

describe("exact JSON integers", () => {
  it("writes a BigInt digit for digit and everything else as JSON.stringify does", () => {
    const big = 2n * BigInt(Number.MAX_SAFE_INTEGER) + 1n;
    expect(exactJson({ a: big, b: [-big], c: "x", d: 1.5, e: null })).toBe(
      `{"a":${big},"b":[-${big}],"c":"x","d":1.5,"e":null}`,
    );
  });

  it("leaves strings that look like a marker alone", () => {
    expect(exactJson({ s: "\u0000exact-int-0000:1" })).toBe(JSON.stringify({ s: "\u0000exact-int-0000:1" }));
  });

  it("keeps a total a number while it is exact", () => {
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    expect(exactTotal(max)).toBe(Number.MAX_SAFE_INTEGER);
    expect(exactTotal(-max)).toBe(-Number.MAX_SAFE_INTEGER);
    expect(exactTotal(max + 1n)).toBe(max + 1n);
    expect(exactTotal(-max - 1n)).toBe(-max - 1n);
  });
});
