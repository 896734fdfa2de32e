import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const BIN = path.join(ROOT, "bin/signaldesk.js");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Milliseconds from spawn to the first /readyz 200. */
  readyMs: number;
  exited: Promise<number | null>;
}

/** Runs `signaldesk <args>` to completion and returns its exit code and output. */
export function runCli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

export interface StartOptions {
  /** The command line to run; default `node bin/signaldesk.js start`. E.g. `["npm", "start"]`. */
  command?: [string, ...string[]];
  /**
   * Run in its own process group, stopped through `stop()` by signalling the whole group as a
   * terminal's Ctrl-C does. Needed for `npm start`: a signal to npm alone orphans the server.
   */
  detached?: boolean;
  /** Listen on this port instead of a fresh free one. */
  port?: number;
}

export interface GroupServerProcess extends ServerProcess {
  /** Signals the process group when detached, else the child. */
  stop: (signal?: NodeJS.Signals) => void;
  /** How the spawned process (e.g. npm) ended: its exit code, or the signal that ended it. */
  exitedWith: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Resolves once no process of the group is left (the server under `npm start` is a grandchild
   * that may outlive npm for a moment); rejects after `timeoutMs`.
   */
  groupGone: (timeoutMs?: number) => Promise<void>;
}

/** True while any process of the group still exists. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw err;
  }
}

/** Starts the real server process (as `npm start` would run it, or `options.command`), and waits for /readyz. */
export async function startServerProcess(
  env: Record<string, string>,
  timeoutMs = 90_000,
  options: StartOptions = {},
): Promise<GroupServerProcess> {
  const port = options.port ?? (await freePort());
  const started = Date.now();
  const [command, ...args] = options.command ?? [process.execPath, BIN, "start"];
  const child = spawn(command, args, {
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), ...env },
    cwd: ROOT,
    detached: options.detached ?? false,
  });
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  child.stderr!.on("data", (d) => {
    out += d;
  });
  const exitedWith = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const exited = exitedWith.then(({ code }) => code);
  const groupGone = async (timeoutMs = 30_000) => {
    await exitedWith;
    if (!options.detached || child.pid === undefined) return;
    const until = Date.now() + timeoutMs;
    while (groupAlive(child.pid)) {
      if (Date.now() > until)
        throw new Error(`process group ${child.pid} still running after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = (signal: NodeJS.Signals = "SIGTERM") => {
    try {
      if (options.detached && child.pid !== undefined) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch (err) {
      // ESRCH: the group has already gone.
      if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
    }
  };
  const url = `http://127.0.0.1:${port}`;
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) {
      stop("SIGKILL");
      throw new Error(`server exited early:\n${out}`);
    }
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) {
      return {
        child,
        url,
        output: () => out,
        readyMs: Date.now() - started,
        exited,
        exitedWith,
        stop,
        groupGone,
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  stop("SIGKILL");
  throw new Error(`server not ready after ${timeoutMs} ms:\n${out}`);
}
