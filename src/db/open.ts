import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { Config } from "../config";
import { reasonOf, StartupError, safeTarget } from "../shared/startup-errors";
import { type Database, openPglite, openPostgres } from "./client";
import { lockDataDir } from "./lock";
import { runMigrations } from "./migrate";
import { createFromTemplate, type TemplateLogger } from "./template";

export interface OpenOptions {
  logger?: TemplateLogger;
  /** Where the pre-initialised PGlite template is looked for (tests point it elsewhere). */
  templateRoot?: string;
}

/** Opens PGlite in `pgdata` and migrates it; closes it again when migrating fails. */
async function openMigratedPglite(pgdata: string): Promise<Database> {
  const database = await openPglite(pgdata);
  try {
    await runMigrations(database);
    return database;
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
}

/**
 * `signaldesk restore` renames the live database aside, then the restored one into place: a stop
 * between the two leaves no `pgdata`, and a start would create an empty database there. Refuse.
 */
function refuseInterruptedRestore(dataDir: string, pgdata: string): void {
  if (existsSync(pgdata)) return;
  const aside = readdirSync(dataDir).find((name) => name.startsWith("pgdata.replaced-"));
  if (aside)
    throw new StartupError(
      `DATA_DIR ${dataDir} has no pgdata but ${aside}: a restore was interrupted; run signaldesk restore again, or rename ${aside} back to pgdata`,
    );
}

/**
 * Opens the database the config names (server PostgreSQL or embedded PGlite in DATA_DIR) and
 * applies migrations. The embedded database is locked to this process until close(). A new
 * embedded database starts as a copy of the migrated template when there is a valid one (initdb
 * takes seconds); if that copy cannot be opened it is removed and initdb runs as it always did.
 */
export async function openDatabase(
  config: Pick<Config, "databaseUrl" | "dataDir">,
  options: OpenOptions = {},
): Promise<Database> {
  if (config.databaseUrl) {
    const database = await openPostgres(config.databaseUrl);
    try {
      // The first round trip: a server that cannot be reached is named here, not deep in a migration.
      await database.query("select 1");
    } catch (err) {
      await database.close().catch(() => undefined);
      throw new StartupError(
        `DATABASE_URL: cannot connect to PostgreSQL at ${safeTarget(config.databaseUrl)} (${reasonOf(err)})`,
      );
    }
    await runMigrations(database);
    return database;
  }
  const unlock = lockDataDir(config.dataDir);
  try {
    const pgdata = path.join(config.dataDir, "pgdata");
    refuseInterruptedRestore(config.dataDir, pgdata);
    let database: Database | undefined;
    if (!existsSync(pgdata) && createFromTemplate(pgdata, options.logger, options.templateRoot)) {
      database = await openMigratedPglite(pgdata).catch((err: Error) => {
        options.logger?.info(
          { err: err.message },
          "database from the PGlite template unusable: running initdb",
        );
        // Only ever a copy made a moment ago by this process, under the DATA_DIR lock.
        rmSync(pgdata, { recursive: true, force: true });
        return undefined;
      });
    }
    database ??= await openMigratedPglite(pgdata);
    const close = database.close;
    return {
      ...database,
      close: async () => {
        await close();
        unlock();
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}
