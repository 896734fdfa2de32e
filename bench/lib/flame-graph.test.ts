import { describe, expect, it } from "vitest";
import {
  type CpuProfileNode,
  flameGraphSvg,
  frameTree,
  inclusiveShares,
  perfFrameTree,
  selfShareByKind,
  selfShares,
} from "./flame-graph";

const frame = (id: number, functionName: string, url: string, hitCount: number, children: number[] = []) =>
  ({ id, callFrame: { functionName, url, lineNumber: 9 }, hitCount, children }) satisfies CpuProfileNode;

/** (root) calls the poll's handler twice on two paths V8 keeps apart, and idles a lot. */
const PROFILE: CpuProfileNode[] = [
  frame(1, "(root)", "", 0, [2, 3, 5, 6]),
  frame(2, "answer", "file:///w/src/a.ts", 2, [4]),
  frame(3, "answer", "file:///w/src/a.ts", 2),
  frame(4, "hmac<x>", "node:crypto", 6),
  frame(5, "(idle)", "", 100),
  frame(6, "dispatch", "node:inspector", 40),
];

describe("frameTree", () => {
  it("sums each frame's subtree, merges a function's sibling calls and leaves idle and the profiler out", () => {
    const root = frameTree(PROFILE);
    expect(root.samples).toBe(10);
    expect(root.children.map((c) => [c.name, c.samples, c.kind])).toEqual([
      ["answer src/a.ts:10", 10, "app"],
    ]);
    expect(root.children[0]!.children.map((c) => [c.name, c.samples, c.kind])).toEqual([
      ["hmac<x> node:crypto:10", 6, "node"],
    ]);
  });
});

describe("flameGraphSvg", () => {
  it("draws each frame as wide as its share, callers below callees, with escaped names", () => {
    const svg = flameGraphSvg(frameTree(PROFILE), { title: "poll <test>", width: 1000 });
    const rects = [...svg.matchAll(/<rect x="([\d.]+)" y="(\d+)" width="([\d.]+)"/g)].map((m) =>
      m.slice(1).map(Number),
    );
    // all (bottom), answer above it, hmac above that at 60 % of the width.
    expect(rects).toEqual([
      [0, 74, 1000],
      [0, 57, 1000],
      [0, 40, 600],
    ]);
    expect(svg).toContain("hmac&lt;x&gt; node:crypto:10: 60.0 % (6 samples)");
    expect(svg).toContain("poll &lt;test&gt;: 10 samples");
    expect(svg).not.toContain("(idle)");
  });

  it("leaves out frames narrower than the minimum width", () => {
    const svg = flameGraphSvg(frameTree(PROFILE), { title: "t", width: 100, minWidth: 70 });
    expect(svg).toContain("answer src/a.ts:10");
    expect(svg).not.toContain("hmac");
  });
});

/** Three samples as `perf script` prints them: two in the poll (one in the kernel's write), one in the parser. */
const PERF_SCRIPT = [
  "node  9897   976.222666:     250000 cpu-clock: ",
  "\tffffffff81b2 tcp_sendmsg+0x17 ([kernel.kallsyms])",
  "\t108cae __GI___writev+0x6e (/usr/lib/x86_64-linux-gnu/libc.so.6)",
  "\t7fb48427d83b JS:*answerEmptyPoll file:///w/src/modules/delivery/delivery.empty-poll.ts:1:696+0x17b (/tmp/perf-9897.map)",
  "\t7fb48427d900 JS:* file:///w/src/shared/http/before-routing.ts:1:403+0x20 (/tmp/perf-9897.map)",
  "\t14ac8a7 uv_run+0x187 (/usr/bin/node)",
  "",
  "node  9897   976.283969:     250000 cpu-clock: ",
  "\t7fb48427d83b JS:*answerEmptyPoll file:///w/src/modules/delivery/delivery.empty-poll.ts:1:696+0x17b (/tmp/perf-9897.map)",
  "\t7fb48427d900 JS:* file:///w/src/shared/http/before-routing.ts:1:403+0x20 (/tmp/perf-9897.map)",
  "\t14ac8a7 uv_run+0x187 (/usr/bin/node)",
  "",
  "node  9897   976.407062:     250000 cpu-clock: ",
  "\t7fb484270000 JS:^parserOnIncoming node:_http_server:1026:26+0x5 (/tmp/perf-9897.map)",
  "\t1500000 [unknown] (/usr/bin/node)",
  "\t14ac8a7 uv_run+0x187 (/usr/bin/node)",
  "",
].join("\n");

describe("perfFrameTree", () => {
  it("walks each sample's stack from its root, names JIT code by function and file, and merges calls", () => {
    const root = perfFrameTree(PERF_SCRIPT);
    expect(root.samples).toBe(3);
    const loop = root.children[0]!;
    expect([loop.name, loop.samples, loop.kind]).toEqual(["uv_run", 3, "native"]);
    expect(loop.children.map((c) => [c.name, c.samples, c.kind])).toEqual([
      ["(anonymous) src/shared/http/before-routing.ts:1", 2, "app"],
      ["[node]", 1, "native"],
    ]);
    const poll = loop.children[0]!.children[0]!;
    expect([poll.name, poll.samples]).toEqual([
      "answerEmptyPoll src/modules/delivery/delivery.empty-poll.ts:1",
      2,
    ]);
    const write = poll.children[0]!.children[0]!;
    expect([write.name, write.kind, write.samples]).toEqual(["tcp_sendmsg", "kernel", 1]);
    expect(loop.children[1]!.children[0]!.kind).toBe("node");
  });

  it("gives each kind its self time and each picked function its inclusive share", () => {
    const root = perfFrameTree(PERF_SCRIPT);
    const byKind = Object.fromEntries(selfShareByKind(root));
    expect(byKind.app).toBeCloseTo(100 / 3);
    expect(byKind.kernel).toBeCloseTo(100 / 3);
    expect(byKind.node).toBeCloseTo(100 / 3);
    expect(Object.fromEntries(selfShares(root, (f) => f.name))).toEqual({
      uv_run: 0,
      "(anonymous) src/shared/http/before-routing.ts:1": 0,
      "answerEmptyPoll src/modules/delivery/delivery.empty-poll.ts:1": 100 / 3,
      __GI___writev: 0,
      tcp_sendmsg: 100 / 3,
      "[node]": 0,
      "parserOnIncoming node:_http_server:1026": 100 / 3,
    });
    const shares = inclusiveShares(root, (f) => f.kind === "app");
    expect(shares.get("answerEmptyPoll src/modules/delivery/delivery.empty-poll.ts:1")).toBeCloseTo(200 / 3);
    expect(shares.has("tcp_sendmsg")).toBe(false);
  });
});
