import { existsSync, readdirSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { Config } from "../config";
import { reasonOf, StartupError, safeTarget } from "../shared/startup-errors";
import { compileWasmForLowMemory, type Database, openPglite, openPostgres } from "./client";
import { lockDataDir } from "./lock";
import { runMigrations } from "./migrate";
import { createFromTemplate, type TemplateLogger } from "./template";

export interface OpenOptions {
  logger?: TemplateLogger;
  /** Where the pre-initialised PGlite template is looked for (tests point it elsewhere). */
  templateRoot?: string;
  /** Told as each step of the opening ends (startup-phases.ts). */
  mark?: (phase: string) => void;
}

/**
 * PGlite's WebAssembly module (9 MB), compiled by V8 on its own threads: started before the data
 * directory is copied, it is ready by the time PGlite starts instead of being compiled after.
 * Undefined when that fails; PGlite then compiles it itself, as it always did.
 */
function compilePgliteWasm(): Promise<WebAssembly.Module | undefined> {
  // With the compiler settings every PGlite of this process gets (client.ts says why).
  compileWasmForLowMemory();
  const require = createRequire(import.meta.url);
  const wasm = path.join(path.dirname(require.resolve("@electric-sql/pglite")), "pglite.wasm");
  return readFile(wasm)
    .then((bytes) => WebAssembly.compile(bytes))
    .catch(() => undefined);
}

/** Opens PGlite in `pgdata` and migrates it; closes it again when migrating fails. */
async function openMigratedPglite(
  pgdata: string,
  wasm: Promise<WebAssembly.Module | undefined>,
  mark?: (phase: string) => void,
): Promise<Database> {
  const database = await openPglite(pgdata, await wasm);
  mark?.("pglite open");
  try {
    await runMigrations(database);
    mark?.("migrations");
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
    options.mark?.("postgres connect");
    await runMigrations(database);
    options.mark?.("migrations");
    return database;
  }
  const unlock = lockDataDir(config.dataDir);
  try {
    const pgdata = path.join(config.dataDir, "pgdata");
    refuseInterruptedRestore(config.dataDir, pgdata);
    let database: Database | undefined;
    const wasm = compilePgliteWasm();
    const fromTemplate =
      !existsSync(pgdata) && (await createFromTemplate(pgdata, options.logger, options.templateRoot));
    options.mark?.("template copy");
    if (fromTemplate) {
      database = await openMigratedPglite(pgdata, wasm, options.mark).catch((err: Error) => {
        options.logger?.info(
          { err: err.message },
          "database from the PGlite template unusable: running initdb",
        );
        // Only ever a copy made a moment ago by this process, under the DATA_DIR lock.
        rmSync(pgdata, { recursive: true, force: true });
        return undefined;
      });
    }
    database ??= await openMigratedPglite(pgdata, wasm, options.mark);
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
