import path from "node:path";
import type { Config } from "../config";
import { type Database, openPglite, openPostgres } from "./client";
import { lockDataDir } from "./lock";
import { runMigrations } from "./migrate";

/**
 * Opens the database the config names (server PostgreSQL or embedded PGlite in DATA_DIR) and
 * applies migrations. The embedded database is locked to this process until close().
 */
export async function openDatabase(config: Pick<Config, "databaseUrl" | "dataDir">): Promise<Database> {
  if (config.databaseUrl) {
    const database = await openPostgres(config.databaseUrl);
    await runMigrations(database);
    return database;
  }
  const unlock = lockDataDir(config.dataDir);
  try {
    const database = await openPglite(path.join(config.dataDir, "pgdata"));
    await runMigrations(database);
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
