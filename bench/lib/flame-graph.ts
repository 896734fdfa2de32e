/**
 * Flame graphs (SVG, no dependencies) of where a process's CPU went: the root at the bottom, each
 * function's width its share of the samples (itself and everything it called), callers
 * below callees. `bench/profile.ts` draws one from V8's sampler (a .cpuprofile) and, with
 * PERF=1, one from Linux perf (`perf script`), which also sees the kernel and Node's C++ and is
 * not biased towards system calls the way V8's signal-driven sampler is
 * (docs/perf/poll-profile.md).
 *
 * From V8's sampler, idle time and the profiler's own message loop are left out, as
 * `bench/profile.ts` leaves them out of its tables. perf's cpu-clock samples a process only while
 * it runs; a recording of the whole machine (bench/lib/perf.ts) shows idle CPUs as a process of
 * their own.
 */

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** One box: a function on one call path, with what it and its callees took. */
export interface Frame {
  name: string;
  kind: FrameKind;
  samples: number;
  children: Frame[];
}

export type FrameKind = "app" | "node" | "dependency" | "native" | "kernel";

const FRAME_HEIGHT = 17;
const FONT_SIZE = 11;
/** Roughly the width of one character of the 11 px monospace labels. */
const CHAR_WIDTH = 6.6;
const COLOURS: Record<FrameKind, string> = {
  app: "#e8833a",
  dependency: "#d9b343",
  node: "#5b8fd6",
  native: "#9a9a9a",
  kernel: "#b07cc6",
};

/** Whether a sample is the server at work: not idle, not the inspector answering the profiler. */
export function isServerWork(node: CpuProfileNode): boolean {
  const fn = node.callFrame.functionName;
  return fn !== "(idle)" && fn !== "dispatch" && !node.callFrame.url.includes("inspector");
}

function kindOf(url: string): FrameKind {
  if (url === "") return "native";
  if (url.startsWith("node:")) return "node";
  // The service's own code bundled as `signaldesk start` runs it (scripts/cli-bundle.mjs) lives in the cache.
  if (url.includes("/node_modules/.cache/signaldesk/")) return "app";
  if (url.includes("/node_modules/")) return "dependency";
  return "app";
}

/** A script's URL as the tables print it: from src/, bench/ or node_modules/ on. */
const shortUrl = (url: string) =>
  url.replace(/^.*\/(node_modules|src|bench)\//, "$1/").replace(/^file:\/\//, "");

function labelOf(node: CpuProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = shortUrl(url);
  return file ? `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}` : functionName || "(anonymous)";
}

const emptyFrame = (name: string, kind: FrameKind): Frame => ({ name, kind, samples: 0, children: [] });

/** The child of `parent` named `name`, added when it is not there yet: a function's sibling calls are one frame. */
function childOf(parent: Frame, name: string, kind: FrameKind): Frame {
  let child = parent.children.find((f) => f.name === name);
  if (!child) {
    child = emptyFrame(name, kind);
    parent.children.push(child);
  }
  return child;
}

/** Sums each frame's samples over its subtree, drops empty frames and puts the widest first. */
function summed(root: Frame): Frame {
  const total = (frame: Frame): number => {
    frame.samples += frame.children.reduce((sum, child) => sum + total(child), 0);
    frame.children = frame.children.filter((c) => c.samples > 0).sort((a, b) => b.samples - a.samples);
    return frame.samples;
  };
  total(root);
  return root;
}

/**
 * The profile's call tree with sibling calls of the same function merged and each frame's
 * samples summed over its subtree; samples that are not server work are dropped.
 */
export function frameTree(nodes: CpuProfileNode[]): Frame {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const childIds = new Set(nodes.flatMap((n) => n.children ?? []));
  const build = (node: CpuProfileNode, into: Frame) => {
    const frame = childOf(into, labelOf(node), kindOf(node.callFrame.url));
    if (isServerWork(node)) frame.samples += node.hitCount ?? 0;
    for (const id of node.children ?? []) build(byId.get(id)!, frame);
  };
  const root = emptyFrame("all", "native");
  for (const node of nodes.filter((n) => !childIds.has(n.id)))
    for (const id of node.children ?? []) build(byId.get(id)!, root);
  return summed(root);
}

/** One line of a `perf script` stack: address, symbol with offset, (object file). */
const PERF_FRAME = /^\s*[0-9a-f]+ (.+?)(?:\+0x[0-9a-f]+)? \((.+)\)$/;

function perfFrame(symbol: string, object: string): { name: string; kind: FrameKind } {
  if (object === "[kernel.kallsyms]") return { name: symbol, kind: "kernel" };
  // JIT code named by --perf-basic-prof: "JS:*fn file:///…/src/x.ts:1:23" (* optimized, ^ baseline, ~ interpreted).
  const js = /^JS:[*^~]?(\S*) (\S+?)(?::\d+)?$/.exec(symbol);
  if (js) {
    const [, fn, url] = js;
    return { name: `${fn || "(anonymous)"} ${shortUrl(url!)}`, kind: kindOf(url!) };
  }
  return { name: symbol === "[unknown]" ? `[${object.split("/").pop()}]` : symbol, kind: "native" };
}

/**
 * The call tree of `perf script` output (bench/lib/perf.ts; cpu-clock samples a thread only
 * while it runs, so every sample of a process is busy; JIT code named by Node's
 * --perf-basic-prof): each sample's stack, leaf first in the text, is walked from its root.
 * With `processOf`, each stack starts with a frame naming its process (from the sample's header).
 */
export function perfFrameTree(script: string, processOf?: (header: string) => string): Frame {
  const root = emptyFrame("all", "native");
  for (const sample of script.split(/\n\s*\n/)) {
    const [header = "", ...lines] = sample.replace(/^\n+/, "").split("\n");
    if (header.trim() === "") continue;
    const stack = lines
      .map((line) => PERF_FRAME.exec(line))
      .filter((m) => m !== null)
      .map(([, symbol, object]) => perfFrame(symbol!, object!))
      .reverse();
    if (processOf) stack.unshift({ name: processOf(header), kind: "native" });
    if (stack.length === 0) continue;
    let frame = root;
    for (const { name, kind } of stack) frame = childOf(frame, name, kind);
    frame.samples += 1;
  }
  return summed(root);
}

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The SVG of a frame tree's flame graph, `width` pixels wide; frames narrower than `minWidth` px are left out. */
export function flameGraphSvg(
  root: Frame,
  opts: { title: string; width?: number; minWidth?: number },
): string {
  const width = opts.width ?? 1200;
  const minWidth = opts.minWidth ?? 0.5;
  const scale = root.samples > 0 ? width / root.samples : 0;
  const boxes: { x: number; depth: number; frame: Frame }[] = [];
  const place = (frame: Frame, x: number, depth: number) => {
    if (frame.samples * scale < minWidth) return;
    boxes.push({ x, depth, frame });
    let childX = x;
    for (const child of frame.children) {
      place(child, childX, depth + 1);
      childX += child.samples * scale;
    }
  };
  place(root, 0, 0);
  const depth = Math.max(0, ...boxes.map((b) => b.depth)) + 1;
  const top = 40;
  const height = top + depth * FRAME_HEIGHT;
  const rects = boxes.map(({ x, depth: d, frame }) => {
    const w = frame.samples * scale;
    const y = height - (d + 1) * FRAME_HEIGHT;
    const pct = ((100 * frame.samples) / root.samples).toFixed(1);
    const fits = Math.floor((w - 4) / CHAR_WIDTH);
    const label =
      fits >= 3 ? (frame.name.length <= fits ? frame.name : `${frame.name.slice(0, fits - 1)}…`) : "";
    return [
      `<g><title>${escapeXml(`${frame.name}: ${pct} % (${frame.samples} samples)`)}</title>`,
      `<rect x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${FRAME_HEIGHT - 1}" fill="${COLOURS[frame.kind]}" rx="2"/>`,
      label ? `<text x="${(x + 3).toFixed(2)}" y="${y + 12}">${escapeXml(label)}</text>` : "",
      "</g>",
    ].join("");
  });
  const heading = escapeXml(`${opts.title}: ${root.samples} samples`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="${FONT_SIZE}">`,
    `<title>${heading}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="4" y="16" font-size="13">${heading}</text>`,
    `<text x="4" y="32">orange: src · yellow: packages · blue: Node's JavaScript · grey: native · purple: kernel</text>`,
    ...rects,
    "</svg>",
    "",
  ].join("\n");
}

/** Self time (%): the share of the samples spent in each frame's own code, summed by `keyOf`. */
export function selfShares<K>(root: Frame, keyOf: (frame: Frame) => K): Map<K, number> {
  const shares = new Map<K, number>();
  const walk = (frame: Frame) => {
    const self = frame.samples - frame.children.reduce((sum, c) => sum + c.samples, 0);
    const key = keyOf(frame);
    if (frame !== root) shares.set(key, (shares.get(key) ?? 0) + (100 * self) / root.samples);
    frame.children.forEach(walk);
  };
  walk(root);
  return shares;
}

/** Each kind's share of the samples spent in that kind's own code (self time), in %. */
export const selfShareByKind = (root: Frame): Map<FrameKind, number> => selfShares(root, (f) => f.kind);

/** Inclusive share (%) of every function `keep` picks, counted once on a path that calls it again. */
export function inclusiveShares(root: Frame, keep: (frame: Frame) => boolean): Map<string, number> {
  const shares = new Map<string, number>();
  const walk = (frame: Frame, onPath: Set<string>) => {
    const counted = keep(frame) && !onPath.has(frame.name);
    if (counted) shares.set(frame.name, (shares.get(frame.name) ?? 0) + (100 * frame.samples) / root.samples);
    const below = counted ? new Set([...onPath, frame.name]) : onPath;
    for (const child of frame.children) walk(child, below);
  };
  walk(root, new Set());
  return shares;
}
