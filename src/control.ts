import { chmodSync, rmSync } from "node:fs";
import { createServer, request } from "node:http";
import path from "node:path";
import { type CommandArgs, CommandError, runCommand } from "./commands";
import type { Deps } from "./deps";

export const controlSocketPath = (dataDir: string) => path.join(dataDir, "control.sock");

/**
 * A Unix socket in DATA_DIR (mode 0600) through which the CLI runs operator commands while this
 * process holds the embedded database. Only the user owning DATA_DIR can reach it.
 */
export async function startControlSocket(deps: Deps): Promise<{ close(): Promise<void> }> {
  const socket = controlSocketPath(deps.config.dataDir);
  rmSync(socket, { force: true });
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", async () => {
      try {
        const { command, args } = JSON.parse(body) as { command: string; args: CommandArgs };
        const output = await runCommand(deps, command, args);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ output }));
      } catch (err) {
        const message = err instanceof CommandError ? err.message : "command failed";
        if (!(err instanceof CommandError)) deps.logger.error({ err }, "control command failed");
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: message }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  chmodSync(socket, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        rmSync(socket, { force: true });
      }),
  };
}

export function sendControlCommand(dataDir: string, command: string, args: CommandArgs): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: controlSocketPath(dataDir), path: "/run", method: "POST" }, (res) => {
      let data = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        data += chunk;
      });
      res.on("end", () => {
        const parsed = JSON.parse(data) as { output?: string; error?: string };
        if (parsed.error !== undefined) reject(new CommandError(parsed.error));
        else resolve(parsed.output ?? "");
      });
    });
    req.on("error", reject);
    req.end(JSON.stringify({ command, args }));
  });
}
