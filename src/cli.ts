import { parseArgs } from "node:util";
import { type CommandArgs, CommandError, runCommand } from "./commands";
import type { ResolvedConfig } from "./config";
import { sendControlCommand } from "./control";
import { DataDirLockedError } from "./db/lock";
import { openDatabase } from "./db/open";
import { createDeps } from "./deps";
import { loadConfigOrExit, runUntilSignalled } from "./main";
import { systemClock } from "./shared/clock";
import { createLogger } from "./shared/logger";

const USAGE = `usage: signaldesk <command> [options]

  start                                   run the service (HTTP API, bot, jobs)
  migrate                                 apply database migrations and exit
  token --telegram-id N [--admin]         print a bearer token for that Telegram user
`;

// Every option any command takes; strict parsing turns a typo into an error, not a silent default.
const OPTIONS = {
  "telegram-id": { type: "string" },
  admin: { type: "boolean" },
} as const;

/** Runs an operator command on this process's own connection, or via the running server's socket. */
async function runOperatorCommand(config: ResolvedConfig, name: string, args: CommandArgs): Promise<string> {
  let database: Awaited<ReturnType<typeof openDatabase>>;
  try {
    database = await openDatabase(config);
  } catch (err) {
    if (err instanceof DataDirLockedError) return sendControlCommand(config.dataDir, name, args);
    throw err;
  }
  const deps = await createDeps({ config, database, clock: systemClock, logger: createLogger("warn") });
  try {
    return await runCommand(deps, name, args);
  } finally {
    await deps.close();
    await database.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false });
  const args = values as CommandArgs;
  switch (command) {
    case "start":
      await runUntilSignalled(loadConfigOrExit());
      return -1;
    case "migrate": {
      const database = await openDatabase(loadConfigOrExit());
      await database.close();
      process.stdout.write("migrations applied\n");
      return 0;
    }
    case "token":
      process.stdout.write(`${await runOperatorCommand(loadConfigOrExit(), command, args)}\n`);
      return 0;
    case undefined:
    case "help":
    case "--help":
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`signaldesk: unknown command "${command}"\n${USAGE}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    const message =
      err instanceof CommandError || err instanceof DataDirLockedError ? err.message : String(err);
    process.stderr.write(`signaldesk: ${message}\n`);
    process.exit(1);
  },
);
