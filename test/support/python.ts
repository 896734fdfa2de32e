import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT } from "./process";

/** The reference device client: Python's standard library only (clients/python). */
export const PYTHON_CLIENT = path.join(ROOT, "clients/python/signaldesk_device.py");

export interface PythonRun {
  code: number | null;
  /** Its stdout, one JSON event per line. */
  lines: Record<string, unknown>[];
  stderr: string;
}

/** Runs the reference Python device client to completion. */
export function runPythonDevice(args: string[], onSpawn?: (pid: number) => void): Promise<PythonRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", [PYTHON_CLIENT, ...args], { cwd: ROOT });
    if (child.pid !== undefined) onSpawn?.(child.pid);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      resolve({
        code,
        stderr,
        lines: stdout
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      }),
    );
  });
}
