import { describe, expect, it } from "vitest";
import { perfFrameTree } from "./flame-graph";
import { sampleProcess, samplesWithin, sharesByProcess } from "./perf";

/** Four samples of `perf record -a` as `perf script -F comm,pid,tid,time,event,ip,sym,dso` prints them. */
const MACHINE = [
  "node 4100/4100  1374.280509: cpu-clock: ",
  "\tffffffff8223aba7 tcp_sendmsg ([kernel.kallsyms])",
  "\t14ac8a7 uv_run (/usr/bin/node)",
  "",
  "V8 DefaultWorke 4100/4107  1374.281509: cpu-clock: ",
  "\t1128b50 v8::internal::ScavengerCollector::CollectGarbage (/usr/bin/node)",
  "",
  "         swapper     0/0      1374.282506: cpu-clock: ",
  "\tffffffff81e1 default_idle ([kernel.kallsyms])",
  "",
  "postgres 5200/5200  1374.283506: cpu-clock: ",
  "\t5a1f ExecInsert (/usr/lib/postgresql/15/bin/postgres)",
  "",
].join("\n");

const roleOf = (comm: string, pid: number) =>
  pid === 4100 ? "instance 0" : comm === "swapper" ? "idle" : comm;

describe("sampleProcess", () => {
  it("reads the command name (spaces and all) and the process id, not the thread's", () => {
    expect(sampleProcess("V8 DefaultWorke 4100/4107  1374.281509: cpu-clock: ")).toEqual({
      comm: "V8 DefaultWorke",
      pid: 4100,
    });
    expect(sampleProcess("\t14ac8a7 uv_run (/usr/bin/node)")).toBeUndefined();
  });
});

describe("sharesByProcess", () => {
  it("gives each process its share of every sample, a process's threads counted as one", () => {
    expect(sharesByProcess(MACHINE, roleOf)).toEqual({ "instance 0": 50, idle: 25, postgres: 25 });
  });
});

describe("perfFrameTree with processes", () => {
  it("starts each stack with its process, so the machine's graph splits by process first", () => {
    const root = perfFrameTree(MACHINE, (header) => {
      const owner = sampleProcess(header)!;
      return roleOf(owner.comm, owner.pid);
    });
    expect(root.children.map((c) => [c.name, c.samples])).toEqual([
      ["instance 0", 2],
      ["idle", 1],
      ["postgres", 1],
    ]);
    expect(root.children[0]!.children.map((c) => c.name)).toEqual([
      "uv_run",
      "v8::internal::ScavengerCollector::CollectGarbage",
    ]);
  });
});

describe("samplesWithin", () => {
  it("keeps the samples taken in the window, bounds included", () => {
    const window = samplesWithin(MACHINE, 1374.281509, 1374.282506);
    expect(sharesByProcess(window, roleOf)).toEqual({ "instance 0": 50, idle: 50 });
    expect(window).toContain("ScavengerCollector");
    expect(window).not.toContain("tcp_sendmsg");
  });
});
