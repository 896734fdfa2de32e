/**
 * What `signaldesk` prints for help: the whole list, or one command's lines for
 * `signaldesk <command> --help` (two-word commands: `signaldesk producer create --help`).
 */

const COMMANDS: Record<string, string> = {
  start: `  start                                   run the service (HTTP API, bot, jobs)`,
  migrate: `  migrate                                 apply database migrations and exit`,
  token: `  token --telegram-id N [--admin]         print a bearer token for that Telegram user`,
  "console-link": `  console-link --telegram-id N [--admin]  print a single-use sign-in link to the web console (10 min)`,
  "producer create": `  producer create --name X                create a producer key; prints its id and secret once`,
  "producer alert-url": `  producer alert-url --id P               issue (or replace) producer P's alert webhook URL; prints it once`,
  "user disable": `  user disable --telegram-id N            disable that user: tokens, console, Mini App and devices refused`,
  "user enable": `  user enable --telegram-id N             re-enable a disabled user`,
  backup: `  backup [--file F]                       write a consistent copy of the embedded database (DATA_DIR) to F
                                          (default ./signaldesk-<time>.tar.gz), also while the server runs`,
  restore: `  restore --file F                        replace the embedded database with backup F (the server must be
                                          stopped; the replaced one is kept aside). PostgreSQL: pg_dump/pg_restore`,
  publish: `  publish --url U --producer-id P --secret S --instrument I --side buy|sell
          [--order-type market|limit|stop] [--entry N] [--sl N] [--tp N] [--volume N]
          [--ttl S] [--min-tier premium|vip|enterprise] [--note T] [--external-id X]
                                          sign and publish a signal as a producer`,
  "device-sim": `  device-sim --url U (--devices-file F | --device-id D --secret S) [--wait N] [--count N]
          [--ack-only] [--report-delay-ms N] [--close-offset N]
                                          reference device client: long-polls, ACKs, reports fills,
                                          applies position updates and reports their results`,
};

export const USAGE = `usage: signaldesk <command> [options]\n\n${Object.values(COMMANDS).join("\n")}\n\nsignaldesk <command> --help shows one command.\n`;

/** Commands made of two words. */
export const TWO_WORD = new Set(["producer", "user"]);

/** The usage of one command (`producer` alone: both of its subcommands); null when unknown. */
export function usageOf(command: string, subcommand?: string): string | null {
  const name = subcommand ? `${command} ${subcommand}` : command;
  if (COMMANDS[name]) return `usage: signaldesk ${COMMANDS[name].trimStart()}\n`;
  const family = Object.entries(COMMANDS).filter(([key]) => key.startsWith(`${command} `));
  if (family.length === 0) return null;
  return `usage:\n${family.map(([, lines]) => `  signaldesk ${lines.trimStart()}`).join("\n")}\n`;
}

/** `--help` or `-h` anywhere after the command. */
export const asksForHelp = (args: readonly string[]): boolean =>
  args.some((a) => a === "--help" || a === "-h");
