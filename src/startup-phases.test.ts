import { describe, expect, it } from "vitest";
import { startupPhases } from "./startup-phases";

describe("startup phases", () => {
  it("times each phase from the previous mark, the first from the process's start, in wall and CPU ms", () => {
    const wall = [120, 400, 410.6];
    const cpu = [90, 300, 301];
    const phases = startupPhases(
      "boot",
      () => wall.shift()!,
      () => cpu.shift()!,
    );
    phases.mark("database");
    phases.mark("listen");
    expect(phases.timings()).toEqual({
      phases: { boot: [120, 90], database: [280, 210], listen: [11, 1] },
      totalMs: 411,
      cpuMs: 301,
    });
    expect(Object.keys(phases.timings().phases)).toEqual(["boot", "database", "listen"]);
  });
});
