import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { keyFingerprint } from "../shared/deployment/keys";
import { type Database, openPglite } from "./client";
import { lockDataDir } from "./lock";

/** Thrown with the one line the operator reads. */
export class BackupError extends Error {}

export const pgdataOf = (dataDir: string) => path.join(dataDir, "pgdata");

/** `signaldesk-2026-12-06T011500Z.tar.gz`: sorts by time, safe in any file system. */
export const defaultBackupName = (now: Date) =>
  `signaldesk-${now.toISOString().replace(/[:-]|\.\d+/g, "")}.tar.gz`;

/**
 * A consistent copy of the embedded database, as a gzipped tarball of its data directory, taken
 * by the process that holds it (the server through its control socket, or the CLI when no server
 * runs: PGlite must never be opened by two processes). PGlite takes it between statements (its
 * query lock); a transaction open at that moment is not in the copy (PostgreSQL's recovery drops
 * it when the copy is opened), everything committed before is. The checkpoint first writes the
 * changed pages out, so opening the copy replays little WAL.
 */
export async function dumpEmbedded(database: Database): Promise<Buffer> {
  if (!database.pglite) throw new BackupError("backup copies the embedded database; this one is PostgreSQL");
  await database.query("CHECKPOINT");
  return Buffer.from(await (await database.pglite.dumpDataDir("gzip")).arrayBuffer());
}

/** Backs up DATA_DIR's embedded database when no server runs on it (under the DATA_DIR lock; no migration). */
export async function dumpDataDirOffline(dataDir: string): Promise<Buffer> {
  const unlock = lockDataDir(dataDir);
  try {
    if (!existsSync(path.join(pgdataOf(dataDir), "PG_VERSION")))
      throw new BackupError(`DATA_DIR ${dataDir} holds no embedded database to back up`);
    const database = await openPglite(pgdataOf(dataDir));
    try {
      return await dumpEmbedded(database);
    } finally {
      await database.close();
    }
  } finally {
    unlock();
  }
}

/**
 * The restored database must be used with the keys it was set up with (tokens are signed with
 * JWT_SECRET, device and producer secrets sealed with MASTER_KEY): a start with others is refused
 * (keys.ts), so a restore that would only lead there is refused now, before anything is replaced.
 */
async function checkKeys(pglite: PGlite, keys: { jwtSecret: string; masterKey: string }): Promise<void> {
  const { rows } = await pglite.query<{ jwt: string; master: string }>(
    "select jwt_fingerprint as jwt, master_key_fingerprint as master from deployment_keys where id = 'keys'",
  );
  const recorded = rows[0];
  if (!recorded) return;
  const differ = [
    recorded.jwt !== keyFingerprint(keys.jwtSecret) ? "JWT_SECRET" : undefined,
    recorded.master !== keyFingerprint(keys.masterKey) ? "MASTER_KEY" : undefined,
  ].filter(Boolean);
  if (differ.length > 0)
    throw new BackupError(
      `this backup's database was set up with another ${differ.join(" and ")}: set the one${differ.length > 1 ? "s" : ""} it was made with (or put that deployment's secrets.json in DATA_DIR) and restore again; nothing was changed`,
    );
}

/**
 * Replaces DATA_DIR's embedded database with a backup, only while no server runs on it (the
 * DATA_DIR lock). The backup is unpacked and opened beside the live one first (PGlite replays its
 * WAL there; a file that is not a backup fails here), its keys are checked, and only then it is
 * renamed into place; the database it replaces is renamed aside, never deleted, and named in the
 * answer. Returns that line.
 */
export async function restoreEmbedded(
  dataDir: string,
  backupFile: string,
  keys: { jwtSecret: string; masterKey: string },
  now: Date,
): Promise<string> {
  const unlock = lockDataDir(dataDir);
  const live = pgdataOf(dataDir);
  const work = `${live}.restoring-${process.pid}`;
  try {
    // Left by a restore that was stopped halfway: only ever a copy, never the live database.
    for (const name of readdirSync(dataDir))
      if (name.startsWith("pgdata.restoring-"))
        rmSync(path.join(dataDir, name), { recursive: true, force: true });
    let tarball: Buffer<ArrayBuffer>;
    try {
      tarball = readFileSync(backupFile);
    } catch (err) {
      throw new BackupError(`cannot read ${backupFile}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
    let pglite: PGlite | undefined;
    try {
      pglite = new PGlite(work, { loadDataDir: new Blob([tarball]) });
      await pglite.waitReady;
    } catch (err) {
      await pglite?.close().catch(() => undefined);
      rmSync(work, { recursive: true, force: true });
      throw new BackupError(
        `${backupFile} is not a backup of a signaldesk database (${(err as Error).message})`,
      );
    }
    try {
      await checkKeys(pglite, keys);
    } catch (err) {
      await pglite.close();
      rmSync(work, { recursive: true, force: true });
      throw err;
    }
    await pglite.close();
    const replaced = existsSync(live)
      ? `${live}.replaced-${defaultBackupName(now).slice(11, -7)}`
      : undefined;
    if (replaced) renameSync(live, replaced);
    renameSync(work, live);
    return replaced
      ? `restored ${backupFile} into ${live}; the database it replaced is in ${replaced} (remove it once the service runs)`
      : `restored ${backupFile} into ${live}`;
  } finally {
    rmSync(work, { recursive: true, force: true });
    unlock();
  }
}
