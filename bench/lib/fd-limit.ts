import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Each of 20,000 sockets is a file descriptor at both ends: a server holds ~10,000 of them
 * (plus its database and Redis connections), a device process as many. Many systems start a
 * process with 1,024 (this machine with 20,000), and Node cannot raise its own RLIMIT_NOFILE, so
 * such a child is started through `sh -c 'ulimit -n 65536; exec node …'`: the shell raises the
 * soft (and, as root, the hard) limit and then becomes node, keeping its pid and IPC channel.
 * Where the hard limit is lower and cannot be raised, the soft limit goes up to the hard one and
 * the result says which limit each process really had (`openFilesLimit`).
 */
export const FD_LIMIT = 65_536;

/** `node <args>` with its open-files limit raised to FD_LIMIT (or the hard limit), from the checkout. */
export function spawnWithFdLimit(
  args: string[],
  stdio: ("ignore" | "pipe" | "inherit" | "ipc")[],
): ChildProcess {
  const raise = `ulimit -n ${FD_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`;
  return spawn("sh", ["-c", raise, "sh", process.execPath, ...args], { cwd: ROOT, stdio });
}

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
