import { readFileSync } from "node:fs";

/** The soft "Max open files" limit of process `pid` (this one by default) from /proc; null elsewhere. */
export function openFilesLimit(pid: number | "self" = "self"): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/limits`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("Max open files"));
    const soft = line?.split(/\s{2,}/)[1];
    return soft && /^\d+$/.test(soft) ? Number(soft) : null;
  } catch {
    return null;
  }
}
