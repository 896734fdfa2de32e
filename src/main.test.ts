import { EventEmitter } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it, vi } from "vitest";
import { type GroupServerProcess, startServerProcess } from "../test/support/process";
import { stopOnSignals } from "./main";

const silent = pino({ level: "silent" });

/** A stand-in for `process`: signals are events, exit is recorded. */
function fakeProcess() {
  const proc = Object.assign(new EventEmitter(), { exit: vi.fn<(code: number) => void>() });
  return proc;
}

describe("stopOnSignals", () => {
  it("stops once and exits 0 when the same signal arrives twice (group signal + npm's forward)", async () => {
    const proc = fakeProcess();
    let finish!: () => void;
    const stop = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    stopOnSignals({ stop }, silent, { proc, now: () => 1_000 });
    proc.emit("SIGINT", "SIGINT");
    // Node kills a process on a signal with no listener: the handler must still be there.
    expect(proc.listenerCount("SIGINT")).toBeGreaterThan(0);
    expect(proc.listenerCount("SIGTERM")).toBeGreaterThan(0);
    proc.emit("SIGINT", "SIGINT");
    proc.emit("SIGTERM", "SIGTERM");
    expect(stop).toHaveBeenCalledTimes(1);
    expect(proc.exit).not.toHaveBeenCalled();
    finish();
    await vi.waitFor(() => expect(proc.exit).toHaveBeenCalledWith(0));
    expect(proc.exit).toHaveBeenCalledTimes(1);
  });

  it("a signal well after the first forces the exit (code 1) without waiting for the shutdown", () => {
    const proc = fakeProcess();
    let now = 1_000;
    const stop = vi.fn(() => new Promise<void>(() => {}));
    stopOnSignals({ stop }, silent, { proc, now: () => now });
    proc.emit("SIGTERM", "SIGTERM");
    now += 5_000;
    proc.emit("SIGINT", "SIGINT");
    expect(stop).toHaveBeenCalledTimes(1);
    expect(proc.exit).toHaveBeenCalledWith(1);
  });

  it("exits 1 when the shutdown fails", async () => {
    const proc = fakeProcess();
    stopOnSignals({ stop: () => Promise.reject(new Error("boom")) }, silent, { proc, now: () => 0 });
    proc.emit("SIGTERM", "SIGTERM");
    await vi.waitFor(() => expect(proc.exit).toHaveBeenCalledWith(1));
  });
});

/**
 * Ctrl-C on `npm start` where /bin/sh execs the command (bash): the terminal signals the whole
 * group and npm forwards the signal to the server again, so the server receives it twice.
 */
describe("the server process receiving its stop signal twice", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "sd-signals-"));
  let server: GroupServerProcess | undefined;
  afterAll(() => {
    if (server?.child.exitCode === null) server.child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("still shuts down gracefully: exit code 0, database closed, DATA_DIR lock released", async () => {
    server = await startServerProcess({ DATA_DIR: dataDir, TELEGRAM_MODE: "off", LOG_LEVEL: "info" });
    // The ready line says where the start's time went (docs/perf/cold-start.md), phase by phase.
    // Logged as /readyz turns 200; on a loaded machine the line can reach the pipe a moment later.
    const readyLine = () =>
      server!
        .output()
        .split("\n")
        .find((line) => line.includes('"msg":"signaldesk ready"'));
    const ready = await vi.waitFor(
      () => {
        const line = readyLine();
        if (!line) throw new Error("no ready line yet");
        return line;
      },
      { timeout: 10_000 },
    );
    expect(Object.keys(JSON.parse(ready).startup.phases)).toEqual([
      "boot",
      "template copy",
      "pglite open",
      "migrations",
      "app modules",
      "keys",
      "deps",
      "seed",
      "routes",
      "delivery index",
      "listen",
      "after listen",
    ]);
    server.child.kill("SIGINT");
    // The second arrives once the first is being handled (two at once may merge into one).
    const until = Date.now() + 30_000;
    while (!server.output().includes('"msg":"shutting down"') && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 5));
    }
    server.child.kill("SIGINT");
    expect(await server.exitedWith).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('"msg":"signaldesk stopped"');
    expect(existsSync(path.join(dataDir, "signaldesk.lock"))).toBe(false);
  }, 120_000);
});
