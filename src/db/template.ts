import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { MIGRATIONS_FOLDER, runMigrations } from "./migrate";

/**
 * A pre-initialised PGlite data directory: initdb done and every committed migration applied,
 * nothing else (the default catalog is seeded by the normal start path, as on any database).
 * A fresh DATA_DIR starts as a copy of it instead of running initdb (~4 s on two cores).
 *
 * It lives under node_modules/.cache (built by `npm ci` / `npm install` through the `prepare`
 * script), one directory per key: the PGlite version and the content of drizzle/. A template
 * that is missing, stale or fails its checksums is never used; the caller runs initdb as before.
 */

/** Bump when the layout below changes, so older templates are ignored. */
const FORMAT = 2;
const MANIFEST = "manifest.json";
const PGDATA = "pgdata";
const TARBALL = "pgdata.tar.gz";

export const DEFAULT_TEMPLATE_ROOT = fileURLToPath(
  new URL("../../node_modules/.cache/signaldesk/pglite-template", import.meta.url),
);

export interface TemplateLogger {
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

interface Manifest {
  format: number;
  key: string;
  /** Directories of pgdata (relative, parents first) with their modes; empty ones matter to PostgreSQL. */
  dirs: [string, number][];
  /** Files of pgdata: relative path, mode, sha256. */
  files: [string, number, string][];
  /** sha256 of the tarball PGlite loads for in-memory databases. */
  tarball: string;
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  // The package's exports map does not list package.json; its entry point sits in dist/.
  const pkg = path.join(path.dirname(require.resolve("@electric-sql/pglite")), "..", "package.json");
  return (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version;
}

function listFiles(root: string, dir = ""): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      const rel = path.join(dir, entry.name);
      return entry.isDirectory() ? listFiles(root, rel) : [rel];
    });
}

/** What a template must match: the format, the PGlite version and every file under drizzle/. */
export function templateKey(migrationsFolder = MIGRATIONS_FOLDER): string {
  const migrations = listFiles(migrationsFolder).map((rel) => [
    rel.split(path.sep).join("/"),
    sha256(readFileSync(path.join(migrationsFolder, rel))),
  ]);
  return sha256(JSON.stringify({ format: FORMAT, pglite: pgliteVersion(), migrations })).slice(0, 24);
}

function readManifest(dir: string, key: string): Manifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST), "utf8")) as Manifest;
    return manifest.format === FORMAT && manifest.key === key ? manifest : undefined;
  } catch {
    return undefined;
  }
}

function walk(root: string, dir: string, manifest: Pick<Manifest, "dirs" | "files">): void {
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    const full = path.join(root, rel);
    const mode = statSync(full).mode & 0o777;
    if (entry.isDirectory()) {
      manifest.dirs.push([rel, mode]);
      walk(root, rel, manifest);
    } else if (entry.isFile()) {
      manifest.files.push([rel, mode, sha256(readFileSync(full))]);
    } else {
      throw new Error(`unexpected entry in the PGlite data directory: ${rel}`);
    }
  }
}

/**
 * Every file a fresh DATA_DIR gets is a file created on its disk, and creating files is most of
 * the copy's cost (docs/perf/cold-start.md: ~0.1–0.8 ms of kernel time each on ext4 here, against
 * almost nothing for the bytes). initdb makes three databases of ~300 files each: `postgres`, the
 * one PGlite connects to (PGDATABASE), and `template0`/`template1`, which only CREATE DATABASE
 * reads. signaldesk never creates databases in its embedded PostgreSQL (backups are data-dir
 * tarballs), so the template keeps `postgres` alone: half the files.
 */
async function dropTemplateDatabases(client: PGlite): Promise<void> {
  await client.exec("alter database template0 with is_template false allow_connections true");
  await client.exec("alter database template1 with is_template false");
  // One statement each: DROP DATABASE refuses to run inside a (multi-statement) transaction.
  await client.exec("drop database template0");
  await client.exec("drop database template1");
}

/**
 * Removes the free-space and visibility maps (`<relfilenode>_fsm`, `_vm`): another ~90 files.
 * PostgreSQL treats a missing map as "nothing known" (no free space recorded, no page all-visible)
 * and creates it when it next has something to record, so this costs nothing but a vacuum's
 * worth of hints on tables that are empty anyway. Run on a cleanly closed data directory.
 */
function removeMapForks(pgdata: string): void {
  for (const rel of listFiles(pgdata)) {
    if (/_(fsm|vm)$/.test(rel)) rmSync(path.join(pgdata, rel));
  }
}

/**
 * Builds the template for the current key under `root` (unless a valid one is there) and removes
 * templates of other keys. Safe to run concurrently: each build writes to its own temporary
 * directory and the first rename wins. Returns the template directory.
 */
export async function buildTemplate(root = DEFAULT_TEMPLATE_ROOT): Promise<string> {
  const key = templateKey();
  const target = path.join(root, key);
  if (readManifest(target, key)) return target;
  mkdirSync(root, { recursive: true });
  const work = path.join(root, `.tmp-${key}-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    mkdirSync(work);
    const client = new PGlite(path.join(work, PGDATA));
    try {
      await client.waitReady;
      await runMigrations({ kind: "pglite", pglite: client } as Parameters<typeof runMigrations>[0]);
      await dropTemplateDatabases(client);
      writeFileSync(
        path.join(work, TARBALL),
        Buffer.from(await (await client.dumpDataDir("gzip")).arrayBuffer()),
      );
    } finally {
      await client.close();
    }
    removeMapForks(path.join(work, PGDATA));
    const manifest: Manifest = { format: FORMAT, key, dirs: [], files: [], tarball: "" };
    walk(path.join(work, PGDATA), "", manifest);
    manifest.tarball = sha256(readFileSync(path.join(work, TARBALL)));
    // Written last: a directory without a manifest is never used.
    writeFileSync(path.join(work, MANIFEST), JSON.stringify(manifest));
    if (existsSync(target)) rmSync(target, { recursive: true, force: true });
    try {
      renameSync(work, target);
    } catch (err) {
      // Another build finished first; keep its template when it is valid.
      if (!readManifest(target, key)) throw err;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  for (const name of readdirSync(root)) {
    if (name !== key && !name.startsWith(".tmp-"))
      rmSync(path.join(root, name), { recursive: true, force: true });
  }
  return target;
}

/** The valid template for the current migrations, if one was built. */
export function findTemplate(root = DEFAULT_TEMPLATE_ROOT): { dir: string; manifest: Manifest } | undefined {
  let key: string;
  try {
    key = templateKey();
  } catch {
    return undefined;
  }
  const dir = path.join(root, key);
  const manifest = readManifest(dir, key);
  return manifest ? { dir, manifest } : undefined;
}

/** Files read, checked and written at once while copying: enough to keep the disk busy. */
const COPY_CONCURRENCY = 32;

/**
 * Copies every file of the template into `work`, each checked against its sha256. Reads and
 * writes run on libuv's threads, many at a time, so the copy (1,200 files, ~40 MB) goes on while
 * this thread does other work: `signaldesk start` loads the HTTP app's modules meanwhile.
 */
async function copyVerified(source: string, work: string, files: Manifest["files"]): Promise<void> {
  let next = 0;
  const copyRest = async () => {
    while (next < files.length) {
      const [rel, mode, hash] = files[next++]!;
      const data = await readFile(path.join(source, rel));
      if (sha256(data) !== hash) throw new Error(`checksum mismatch: ${rel}`);
      await writeFile(path.join(work, rel), data, { mode });
    }
  };
  const copiers = Array.from({ length: COPY_CONCURRENCY }, copyRest);
  // Every copier settles before the caller removes `work`; the first failure is the answer.
  const results = await Promise.allSettled(copiers);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

/**
 * Creates `pgdata` (which must not exist) as a verified copy of the template. Returns false, and
 * leaves nothing behind, when there is no valid template; the caller then lets PGlite run initdb.
 * The copy is made beside the target and renamed into place, so a crash never leaves a partial
 * `pgdata`; stale copies from such a crash are removed here (the caller holds the DATA_DIR lock).
 */
export async function createFromTemplate(
  pgdata: string,
  logger?: TemplateLogger,
  root = DEFAULT_TEMPLATE_ROOT,
): Promise<boolean> {
  const parent = path.dirname(pgdata);
  const base = path.basename(pgdata);
  for (const name of readdirSync(parent)) {
    if (name.startsWith(`${base}.template-`))
      rmSync(path.join(parent, name), { recursive: true, force: true });
  }
  const template = findTemplate(root);
  if (!template) {
    logger?.info({ root }, "no PGlite template for these migrations: running initdb");
    return false;
  }
  const work = path.join(parent, `${base}.template-${process.pid}`);
  try {
    mkdirSync(work, { mode: 0o700 });
    for (const [rel, mode] of template.manifest.dirs) mkdirSync(path.join(work, rel), { mode });
    await copyVerified(path.join(template.dir, PGDATA), work, template.manifest.files);
    renameSync(work, pgdata);
    logger?.debug({ template: template.dir }, "PGlite data directory created from the template");
    return true;
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    logger?.info(
      { err: (err as Error).message, template: template.dir },
      "PGlite template unusable: running initdb",
    );
    return false;
  }
}

/** The template as a tarball for an in-memory PGlite (`loadDataDir`), when one is valid. */
export function templateTarball(root = DEFAULT_TEMPLATE_ROOT): Blob | undefined {
  const template = findTemplate(root);
  if (!template) return undefined;
  try {
    const data = readFileSync(path.join(template.dir, TARBALL));
    if (sha256(data) !== template.manifest.tarball) return undefined;
    return new Blob([data], { type: "application/x-gzip" });
  } catch {
    return undefined;
  }
}
