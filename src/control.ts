import { chmodSync, createWriteStream, renameSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { type CommandArgs, CommandError, runCommand } from "./commands";
import { dumpEmbedded } from "./db/backup";
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
    if (req.method === "GET" && req.url === BACKUP_PATH) return void sendBackup(deps, res);
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

const BACKUP_PATH = "/backup";

/**
 * `signaldesk backup` while this process holds the embedded database: only the holder may read
 * it (PGlite is single-process), so the server takes the copy and streams it to the CLI.
 */
async function sendBackup(deps: Deps, res: ServerResponse): Promise<void> {
  try {
    const tarball = await dumpEmbedded(deps.database);
    res.writeHead(200, { "content-type": "application/gzip", "content-length": tarball.length }).end(tarball);
    deps.logger.info({ bytes: tarball.length }, "database backup taken for the CLI");
  } catch (err) {
    deps.logger.error({ err }, "database backup failed");
    res
      .writeHead(500, { "content-type": "application/json" })
      .end(JSON.stringify({ error: "backup failed" }));
  }
}

/**
 * Asks the server holding DATA_DIR's embedded database for a backup and writes it to `file`:
 * beside it first (mode 0600: it holds every row), renamed into place once complete.
 */
export function receiveControlBackup(dataDir: string, file: string): Promise<number> {
  const partial = `${file}.partial-${process.pid}`;
  return new Promise<number>((resolve, reject) => {
    const req = request(
      { socketPath: controlSocketPath(dataDir), path: BACKUP_PATH, method: "GET" },
      (res) => {
        if (res.statusCode !== 200) return void readError(res).then(reject, reject);
        let bytes = 0;
        res.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
        });
        pipeline(res, createWriteStream(partial, { mode: 0o600 }))
          .then(() => {
            renameSync(partial, file);
            resolve(bytes);
          })
          .catch((err) => {
            rmSync(partial, { force: true });
            reject(err);
          });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function readError(res: IncomingMessage): Promise<never> {
  let data = "";
  for await (const chunk of res) data += chunk;
  const parsed = JSON.parse(data || "{}") as { error?: string };
  throw new CommandError(parsed.error ?? `the server answered ${res.statusCode}`);
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
