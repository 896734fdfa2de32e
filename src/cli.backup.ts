import { renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type CommandArgs, CommandError } from "./commands";
import type { ResolvedConfig } from "./config";
import { receiveControlBackup } from "./control";
import { BackupError, defaultBackupName, dumpDataDirOffline, restoreEmbedded } from "./db/backup";
import { DataDirLockedError } from "./db/lock";

const PG_DUMP =
  'with DATABASE_URL the database is on PostgreSQL: back it up with pg_dump --format=custom --file=signaldesk.dump "$DATABASE_URL" (docs/operating.md, Backups)';
const PG_RESTORE =
  'with DATABASE_URL the database is on PostgreSQL: restore a pg_dump with pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" signaldesk.dump (docs/operating.md, Backups)';

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Runs a backup step, turning its refusals into the CLI's one-line errors. */
async function operatorLine<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof BackupError) throw new CommandError(err.message);
    throw err;
  }
}

/**
 * `signaldesk backup [--file F]`: a consistent copy of the embedded database, taken by the
 * running server through its control socket, or by this process when no server runs.
 */
export async function runBackup(config: ResolvedConfig, args: CommandArgs, now: Date): Promise<string> {
  if (config.databaseUrl) throw new CommandError(PG_DUMP);
  const file = path.resolve(typeof args.file === "string" ? args.file : defaultBackupName(now));
  const bytes = await operatorLine(async () => {
    let tarball: Buffer;
    try {
      tarball = await dumpDataDirOffline(config.dataDir);
    } catch (err) {
      if (err instanceof DataDirLockedError) return receiveControlBackup(config.dataDir, file);
      throw err;
    }
    const partial = `${file}.partial-${process.pid}`;
    try {
      writeFileSync(partial, tarball, { mode: 0o600 });
      renameSync(partial, file);
    } finally {
      rmSync(partial, { force: true });
    }
    return tarball.length;
  });
  return `backup written: ${file} (${megabytes(bytes)})`;
}

/**
 * `signaldesk restore --file F`: replaces the embedded database, only while no server runs. The
 * config is loaded only once the arguments are right (loading it may create DATA_DIR's secrets).
 */
export async function runRestore(
  loadConfig: () => ResolvedConfig,
  args: CommandArgs,
  now: Date,
): Promise<string> {
  if (typeof args.file !== "string" || !args.file) throw new CommandError("--file is required (a backup)");
  const file = path.resolve(args.file);
  const config = loadConfig();
  if (config.databaseUrl) throw new CommandError(PG_RESTORE);
  try {
    return await operatorLine(() => restoreEmbedded(config.dataDir, file, config, now));
  } catch (err) {
    if (err instanceof DataDirLockedError)
      throw new CommandError(
        `a signaldesk server is running on DATA_DIR ${config.dataDir}: stop it before restoring (a database in use is never replaced)`,
      );
    throw err;
  }
}
