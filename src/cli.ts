import { parseArgs } from "node:util";
import { loadConfigOrExit } from "./cli.config";
import { asksForHelp, TWO_WORD, USAGE, usageOf } from "./cli.usage";
import { type CommandArgs, CommandError } from "./commands";
import type { ResolvedConfig } from "./config";
import { DataDirLockedError } from "./db/lock";
import { systemClock } from "./shared/clock";
import { StartupError } from "./shared/startup-errors";

// Each command imports what it needs when it runs: `start` sets its database going before the
// HTTP app's modules load (main.ts), and no command loads the others' modules.

// Every option any command takes; strict parsing turns a typo into an error, not a silent default.
const OPTIONS = {
  "telegram-id": { type: "string" },
  admin: { type: "boolean" },
  name: { type: "string" },
  url: { type: "string" },
  "producer-id": { type: "string" },
  id: { type: "string" },
  secret: { type: "string" },
  instrument: { type: "string" },
  side: { type: "string" },
  "order-type": { type: "string" },
  entry: { type: "string" },
  sl: { type: "string" },
  tp: { type: "string" },
  volume: { type: "string" },
  ttl: { type: "string" },
  "min-tier": { type: "string" },
  note: { type: "string" },
  "external-id": { type: "string" },
  "devices-file": { type: "string" },
  "device-id": { type: "string" },
  wait: { type: "string" },
  count: { type: "string" },
  "ack-only": { type: "boolean" },
  "report-delay-ms": { type: "string" },
  "close-offset": { type: "string" },
  file: { type: "string" },
} as const;

/** Runs an operator command on this process's own connection, or via the running server's socket. */
async function runOperatorCommand(config: ResolvedConfig, name: string, args: CommandArgs): Promise<string> {
  const [{ openDatabase }, { sendControlCommand }, { checkDeploymentKeys }] = await Promise.all([
    import("./db/open"),
    import("./control"),
    import("./shared/deployment/keys"),
  ]);
  let database: Awaited<ReturnType<typeof openDatabase>>;
  try {
    database = await openDatabase(config);
  } catch (err) {
    if (err instanceof DataDirLockedError) return sendControlCommand(config.dataDir, name, args);
    throw err;
  }
  try {
    // Its own connection: a token or link made with other keys than the server's would not work.
    await checkDeploymentKeys(database.db, config, systemClock.now());
  } catch (err) {
    await database.close();
    throw err;
  }
  const [{ createDeps }, { runCommand }, { createLogger }] = await Promise.all([
    import("./deps"),
    import("./commands"),
    import("./shared/logger"),
  ]);
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
  // `producer create` and `user disable` are two-word commands.
  const subcommand =
    command && TWO_WORD.has(command) && rest[0] && !rest[0].startsWith("-") ? rest.shift() : undefined;
  if (command && !usageOf(command) && !["help", "--help", "-h"].includes(command)) {
    process.stderr.write(`signaldesk: unknown command "${command}"\n${USAGE}`);
    return 1;
  }
  if (command && asksForHelp(rest)) {
    const usage = usageOf(command, subcommand);
    if (usage) {
      process.stdout.write(usage);
      return 0;
    }
  }
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    // Node's own message names the bad option; the command's usage says what it takes.
    const usage = command ? usageOf(command, subcommand) : null;
    throw new CommandError(`${(err as Error).message}\n${usage ?? USAGE}`);
  }
  const args = values as CommandArgs;
  switch (command) {
    case "start":
      await (await import("./main")).runUntilSignalled(loadConfigOrExit());
      return -1;
    case "migrate":
    case "token":
    case "console-link":
      process.stdout.write(`${await runOperatorCommand(loadConfigOrExit(), command, args)}\n`);
      return 0;
    case "producer":
      if (subcommand !== "create" && subcommand !== "alert-url")
        throw new CommandError("usage: signaldesk producer create --name X | producer alert-url --id P");
      process.stdout.write(
        `${await runOperatorCommand(loadConfigOrExit(), `producer.${subcommand}`, args)}\n`,
      );
      return 0;
    case "user":
      if (subcommand !== "disable" && subcommand !== "enable")
        throw new CommandError(
          "usage: signaldesk user disable --telegram-id N | user enable --telegram-id N",
        );
      process.stdout.write(`${await runOperatorCommand(loadConfigOrExit(), `user.${subcommand}`, args)}\n`);
      return 0;
    case "backup":
      process.stdout.write(
        `${await (await import("./cli.backup")).runBackup(loadConfigOrExit(), args, systemClock.now())}\n`,
      );
      return 0;
    case "restore":
      process.stdout.write(
        `${await (await import("./cli.backup")).runRestore(loadConfigOrExit, args, systemClock.now())}\n`,
      );
      return 0;
    case "publish":
      process.stdout.write(`${await (await import("./tools/publish")).runPublish(args)}\n`);
      return 0;
    case "device-sim":
      await (await import("./tools/device-sim")).runDeviceSim(args, (line) =>
        process.stdout.write(`${line}\n`),
      );
      return 0;
    case undefined:
    case "help":
    case "--help":
    case "-h":
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
      err instanceof CommandError || err instanceof DataDirLockedError || err instanceof StartupError
        ? err.message
        : String(err);
    process.stderr.write(`signaldesk: ${message}\n`);
    process.exit(1);
  },
);
