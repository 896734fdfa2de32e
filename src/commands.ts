import { runMigrations } from "./db/migrate";
import type { Deps } from "./deps";
import { effectiveRole } from "./modules/users/users.models";

/**
 * Operator commands that need the service's database and keys. The CLI runs them directly, or,
 * when a running server holds the embedded database, through that server's control socket.
 */
export type CommandArgs = Record<string, string | boolean | undefined>;
export type Command = (deps: Deps, args: CommandArgs) => Promise<string>;

export class CommandError extends Error {}

function telegramIdArg(args: CommandArgs): number {
  const id = Number(args["telegram-id"]);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new CommandError("--telegram-id must be a positive integer");
  return id;
}

/** The user of a Telegram id (created if new), made an admin when `--admin` asks for it. */
async function operatorUser(deps: Deps, args: CommandArgs) {
  const telegramId = telegramIdArg(args);
  const { user } = await deps.users.ensureFromTelegram({ telegramId });
  if (args.admin === true && user.role !== "admin") {
    await deps.db.transaction(async (tx) => {
      await deps.users.grantAdmin(user.id, tx);
      await deps.audit.record(
        {
          actorId: null,
          actorKind: "cli",
          action: "users.admin_granted",
          subjectType: "user",
          subjectId: user.id,
        },
        tx,
      );
    });
  }
  return user;
}

export const commands: Record<string, Command> = {
  /** Mints an access token for a Telegram id, creating the user (and granting admin) as asked. */
  async token(deps, args) {
    const user = await operatorUser(deps, args);
    await deps.audit.record({
      actorId: null,
      actorKind: "cli",
      action: "auth.token_issued",
      subjectType: "user",
      subjectId: user.id,
      data: { admin: args.admin === true },
    });
    return deps.tokens.issue(user.id);
  },
};

/** A sign-in link to the web console for an admin (API §15); `--admin` makes the user one first. */
commands["console-link"] = async (deps, args) => {
  const user = await operatorUser(deps, args);
  const fresh = await deps.users.findById(user.id);
  if (!fresh || effectiveRole(fresh, deps.config.adminTelegramIds) !== "admin") {
    throw new CommandError(
      `Telegram id ${user.telegramId} is not an admin: add --admin (or list it in ADMIN_TELEGRAM_IDS)`,
    );
  }
  return (await deps.consoleSessions.createLink(user.id, "cli")).url;
};

/** Creates a producer key for a strategy; prints id, name and the secret (shown only now) as JSON. */
commands["producer.create"] = async (deps, args) => {
  const name = typeof args.name === "string" ? args.name.trim() : "";
  if (!name || name.length > 100) throw new CommandError("--name is required (1-100 characters)");
  return JSON.stringify(await deps.producers.create({ kind: "cli" }, name));
};

/** Issues (or replaces) a producer's alert webhook URL; prints it once. */
commands["producer.alert-url"] = async (deps, args) => {
  const id = typeof args.id === "string" ? args.id.trim() : "";
  if (!id) throw new CommandError("--id is required (the producer's id)");
  return (await deps.alertUrls.issue({ kind: "cli" }, id)).url;
};

/** Disables (or re-enables) the account of a Telegram id: every way it signs in is refused. */
for (const action of ["disable", "enable"] as const) {
  commands[`user.${action}`] = async (deps, args) => {
    const user = await deps.users.findByTelegramId(telegramIdArg(args));
    if (!user) throw new CommandError(`no user has Telegram id ${args["telegram-id"]}`);
    const row = await deps.users.setDisabled({ id: null, kind: "cli" }, user.id, action === "disable");
    return `${row.id} ${row.disabledAt ? "disabled" : "enabled"}`;
  };
}

/**
 * Applies pending migrations. Run by the CLI on its own connection, or, while a server holds the
 * embedded database, by that server through its control socket (it applied them when it started;
 * this finds any a shared PostgreSQL gained since).
 */
commands.migrate = async (deps) => {
  await runMigrations(deps.database);
  return "migrations applied";
};

export async function runCommand(deps: Deps, name: string, args: CommandArgs): Promise<string> {
  const command = commands[name];
  if (!command) throw new CommandError(`unknown command: ${name}`);
  return command(deps, args);
}
