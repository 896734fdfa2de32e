import { describe, expect, it } from "vitest";
import { Batcher } from "./batcher";

function recorder(fail: (item: string) => boolean = () => false) {
  const batches: string[][] = [];
  const write = async (items: string[]) => {
    batches.push(items);
    await new Promise((r) => setTimeout(r, 5));
    if (items.some(fail)) throw new Error(`bad item in ${items.join(",")}`);
    return items.map((i) => i.toUpperCase());
  };
  return { batches, write };
}

const nextTurn = () => new Promise((r) => setImmediate(r));

describe("group commit", () => {
  it("writes a lone item within a turn, and groups those arriving while a batch is in flight", async () => {
    const { batches, write } = recorder();
    const batcher = new Batcher(write, (i: string) => i, { maxBatch: 10, maxInFlight: 1 });
    const first = batcher.submit("a");
    await nextTurn();
    expect(batches).toEqual([["a"]]);
    const rest = ["b", "c", "d"].map((i) => batcher.submit(i));
    expect(await Promise.all([first, ...rest])).toEqual(["A", "B", "C", "D"]);
    expect(batches).toEqual([["a"], ["b", "c", "d"]]);
  });

  it("groups items submitted in the same turn even with nothing in flight (a synchronous engine)", async () => {
    const { batches, write } = recorder();
    const batcher = new Batcher(write, (i: string) => i, { maxBatch: 10, maxInFlight: 4 });
    await Promise.all(["a", "b", "c"].map((i) => batcher.submit(i)));
    expect(batches).toEqual([["a", "b", "c"]]);
  });

  it("never puts two items with the same key in one batch, keeping their order", async () => {
    const { batches, write } = recorder();
    const batcher = new Batcher(write, (i: string) => i[0]!, { maxBatch: 10, maxInFlight: 1 });
    await Promise.all(["x1", "y1", "x2", "x3", "y2"].map((i) => batcher.submit(i)));
    expect(batches).toEqual([["x1", "y1"], ["x2", "y2"], ["x3"]]);
  });

  it("caps a batch at maxBatch", async () => {
    const { batches, write } = recorder();
    const batcher = new Batcher(write, (i: string) => i, { maxBatch: 2, maxInFlight: 1 });
    await Promise.all(["a", "b", "c", "d", "e"].map((i) => batcher.submit(i)));
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
  });

  it("fails only the report that failed, writing its neighbours alone", async () => {
    const { write } = recorder((i) => i === "bad");
    const batcher = new Batcher(write, (i: string) => i, { maxBatch: 10, maxInFlight: 1 });
    const results = await Promise.allSettled(["first", "ok", "bad", "fine"].map((i) => batcher.submit(i)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
  });
});
