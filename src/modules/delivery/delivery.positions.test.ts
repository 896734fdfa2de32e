import { describe, expect, it } from "vitest";
import { PositionBook, type UpdateItem } from "./delivery.positions";

const item = (seq: number, action: UpdateItem["action"] = "modify"): UpdateItem => ({
  updateId: `upd_${seq}`,
  signalId: "sig_1",
  seq,
  action,
  stopLoss: action === "modify" ? 1 + seq / 100 : null,
  takeProfit: null,
  fraction: null,
});

describe("the position book", () => {
  it("hands each holder the updates it has not settled, in seq order, with its own ticket", () => {
    const book = new PositionBook();
    book.addUpdates("sig_1", [item(2), item(1)]);
    expect(book.hold("sig_1", "dev_a", "T-A")).toBe(true);
    expect(book.hold("sig_1", "dev_b", "T-B", ["upd_1"])).toBe(true);
    expect(book.pendingFor("dev_a").map((d) => [d.item.seq, d.brokerTicket])).toEqual([
      [1, "T-A"],
      [2, "T-A"],
    ]);
    expect(book.pendingFor("dev_b").map((d) => d.item.seq)).toEqual([2]);
    book.settle("sig_1", "upd_1", "dev_a");
    expect(book.pendingFor("dev_a").map((d) => d.item.seq)).toEqual([2]);
    expect(book.pendingFor("dev_nobody")).toEqual([]);
  });

  it("holds a fill of a position without updates, with nothing pending, until its first update", () => {
    const book = new PositionBook();
    expect(book.hold("sig_1", "dev_a", "T-A")).toBe(false);
    expect(book.stats()).toEqual({ positions: 1, holders: 1 });
    expect(book.pendingFor("dev_a")).toEqual([]);
    expect(book.addUpdates("sig_1", [item(1)])).toEqual(["dev_a"]);
    expect(book.pendingFor("dev_a").map((d) => [d.item.seq, d.brokerTicket])).toEqual([[1, "T-A"]]);
  });

  it("ignores updates it already has", () => {
    const book = new PositionBook();
    book.addUpdates("sig_1", [item(1)]);
    book.addUpdates("sig_1", [item(1)]);
    book.hold("sig_1", "dev_a", "T");
    expect(book.pendingFor("dev_a")).toHaveLength(1);
    expect(book.updateCount("sig_1")).toBe(1);
  });

  it("releases a revoked device's holdings, and a position without updates nobody holds any more", () => {
    const book = new PositionBook();
    book.hold("sig_1", "dev_a", "T");
    book.hold("sig_2", "dev_a", "T");
    book.hold("sig_2", "dev_b", "T");
    book.addUpdates("sig_3", [item(1)]);
    book.hold("sig_3", "dev_a", "T");
    book.removeDevice("dev_a");
    expect(book.stats()).toEqual({ positions: 2, holders: 1 });
    expect(book.has("sig_1")).toBe(false);
    expect(book.has("sig_3")).toBe(true);
    expect(book.pendingFor("dev_a")).toEqual([]);
  });

  it("releases a holder that settled the close, and forgets closed positions nobody holds any more", () => {
    const book = new PositionBook();
    book.addUpdates("sig_1", [item(1), item(2, "close")], 1_000);
    book.hold("sig_1", "dev_a", "T");
    book.hold("sig_1", "dev_b", "T");
    book.settle("sig_1", "upd_1", "dev_a");
    book.settle("sig_1", "upd_2", "dev_a");
    expect(book.stats()).toEqual({ positions: 1, holders: 1 });
    expect(book.forgetClosed(2_000)).toBe(0);
    book.settle("sig_1", "upd_1", "dev_b");
    book.settle("sig_1", "upd_2", "dev_b");
    expect(book.forgetClosed(500)).toBe(0);
    expect(book.forgetClosed(2_000)).toBe(1);
    expect(book.has("sig_1")).toBe(false);
  });
});
