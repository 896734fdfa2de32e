import { spawn } from "node:child_process";
import { pathToFileURL } from "node:url";

/**
 * Runs `node <args>` in its own process (a load generator must not share the measured server's
 * event loop) and resolves with the JSON it prints; a non-zero exit rejects with stderr's tail.
 */
export function runNodeForJson<T>(args: string[], label: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`${label} exited with ${code}: ${err.slice(-500)}`));
      resolve(JSON.parse(out) as T);
    });
  });
}

/** True when the module at `moduleUrl` is the script node was started with. */
export const isEntryPoint = (moduleUrl: string): boolean =>
  Boolean(process.argv[1]) && moduleUrl === pathToFileURL(process.argv[1]!).href;
