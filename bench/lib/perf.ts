import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Linux perf around a stretch of a benchmark: cpu-clock samples with call stacks, of one process
 * (`{ pid }`, every thread of it, only while it runs) or of the whole machine (`"all"`, idle CPUs
 * included as `swapper`). Kernel and native frames always have names; a Node process's
 * JavaScript only when it was started with --perf-basic-prof.
 */
export interface PerfRecording {
  /** Stops sampling and returns the samples as `perf script` prints them (see perfFrameTree). */
  stop(): Promise<string>;
}

/** The fields each sample's header carries: `comm pid/tid time: event:`, then one line per frame. */
const SCRIPT_FIELDS = "comm,pid,tid,time,event,ip,sym,dso";

export async function perfRecord(
  target: { pid: number } | "all",
  hz: number,
  maxSeconds = 300,
): Promise<PerfRecording> {
  const data = path.join(tmpdir(), `sd-perf-${process.pid}-${Date.now()}.data`);
  // Not inherited by what the process starts afterwards: profile.ts's process forks its load
  // generator, whose CPU is not the server's.
  const scope = target === "all" ? ["-a"] : ["-p", String(target.pid), "--no-inherit"];
  // Timestamps on CLOCK_MONOTONIC, the clock of process.hrtime (see samplesWithin).
  const args = [
    "record",
    "-e",
    "cpu-clock",
    "-F",
    String(hz),
    "-g",
    "-k",
    "CLOCK_MONOTONIC",
    ...scope,
    "-o",
    data,
  ];
  // Under `timeout`, which passes stop()'s SIGINT on to perf: a bench killed before stop() leaves
  // no perf recording the machine for ever. (Not `perf record … -- sleep N`: stopped early, that
  // wrote no samples of `-p`'s process.)
  const perf: ChildProcess = spawn("timeout", ["-s", "INT", String(maxSeconds), "perf", ...args], {
    stdio: "ignore",
  });
  // Not events.once: it would reject on the error event below, with nobody waiting yet.
  const exited = new Promise<void>((resolve) => perf.on("exit", () => resolve()));
  // A bench that fails before stop() must not leave perf recording the machine for ever.
  // Nor keep it alive: unref'd, perf ends with it (stop() still waits for its exit).
  perf.unref();
  const stopWithUs = () => perf.kill("SIGINT");
  process.once("exit", stopWithUs);
  void exited.then(() => process.off("exit", stopWithUs));
  // No perf on this machine (ENOENT) is an error event, not an exit.
  let failed: Error | undefined;
  perf.on("error", (err) => {
    failed = err;
  });
  // perf needs a moment to open its events; samples before that would be lost without a trace.
  await sleep(300);
  if (failed) throw new Error(`perf record could not start: ${failed.message}`);
  if (perf.exitCode !== null) throw new Error(`perf record exited at once with ${perf.exitCode}`);
  return {
    async stop() {
      // Waited for from here on: an unref'd child would let this process end first.
      perf.ref();
      perf.kill("SIGINT");
      // perf writes its data and ends; `perf script` reads the data or fails on it.
      await exited;
      try {
        return execFileSync("perf", ["script", "-F", SCRIPT_FIELDS, "-i", data], {
          encoding: "utf8",
          maxBuffer: 1 << 30,
          stdio: ["ignore", "pipe", "ignore"],
        });
      } finally {
        rmSync(data, { force: true });
      }
    },
  };
}

/** Now on the clock perf's timestamps use, in seconds. */
export const monotonicSeconds = () => Number(process.hrtime.bigint()) / 1e9;

/** `perf script`'s text as samples: a header line, then one line per frame; blank lines between. */
const samplesOf = (script: string) => script.split(/\n\s*\n/).filter((sample) => sample.trim() !== "");

/** The samples taken between two monotonicSeconds() readings, in `perf script`'s text. */
export function samplesWithin(script: string, from: number, to: number): string {
  return samplesOf(script)
    .filter((sample) => {
      const at = Number(/ (\d+\.\d+): /.exec(sample.split("\n", 1)[0]!)?.[1]);
      return at >= from && at <= to;
    })
    .join("\n\n");
}

/** The process a `perf script` sample came from: its header's command name and process id. */
export function sampleProcess(header: string): { comm: string; pid: number } | undefined {
  const match = /^\s*(.+?)\s+(\d+)\/\d+\s/.exec(header);
  return match ? { comm: match[1]!, pid: Number(match[2]) } : undefined;
}

/** Each process's share of all samples (%), keyed by `name(comm, pid)`; idle CPUs are `swapper`. */
export function sharesByProcess(
  script: string,
  name: (comm: string, pid: number) => string,
): Record<string, number> {
  const counts = new Map<string, number>();
  let total = 0;
  for (const sample of samplesOf(script)) {
    const owner = sampleProcess(sample.replace(/^\n+/, "").split("\n", 1)[0]!);
    if (!owner) continue;
    total += 1;
    const key = name(owner.comm, owner.pid);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Object.fromEntries(
    [...counts].sort((a, b) => b[1] - a[1]).map(([key, n]) => [key, Math.round((1000 * n) / total) / 10]),
  );
}
