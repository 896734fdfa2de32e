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
import { runDeviceSim } from "./tools/device-sim";
import { runPublish } from "./tools/publish";

const USAGE = `usage: signaldesk <command> [options]

  start                                   run the service (HTTP API, bot, jobs)
  migrate                                 apply database migrations and exit
  token --telegram-id N [--admin]         print a bearer token for that Telegram user
  console-link --telegram-id N [--admin]  print a single-use sign-in link to the web console (10 min)
  producer create --name X                create a producer key; prints its id and secret once
  producer alert-url --id P               issue (or replace) producer P's alert webhook URL; prints it once
  user disable --telegram-id N            disable that user: tokens, console, Mini App and devices refused
  user enable --telegram-id N             re-enable a disabled user
  publish --url U --producer-id P --secret S --instrument I --side buy|sell
          [--order-type market|limit|stop] [--entry N] [--sl N] [--tp N] [--volume N]
          [--ttl S] [--min-tier premium|vip|enterprise] [--note T] [--external-id X]
                                          sign and publish a signal as a producer
  device-sim --url U (--devices-file F | --device-id D --secret S) [--wait N] [--count N]
          [--ack-only] [--report-delay-ms N] [--close-offset N]
                                          reference device client: long-polls, ACKs, reports fills,
                                          applies position updates and reports their results
`;

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
  // `producer create` and `user disable` are two-word commands.
  const subcommand = command === "producer" || command === "user" ? rest.shift() : undefined;
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
    case "publish":
      process.stdout.write(`${await runPublish(args)}\n`);
      return 0;
    case "device-sim":
      await runDeviceSim(args, (line) => process.stdout.write(`${line}\n`));
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
