import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER } from "./migrate";
import { openDatabase } from "./open";
import { buildTemplate, createFromTemplate, findTemplate, templateKey, templateTarball } from "./template";

// One real template (one initdb) for the file; each test works on its own copy of it.
let built: string;
let builtRoot: string;

function journalEntries(): number {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8"));
  return (journal.entries as unknown[]).length;
}

function copyOfTemplate(): { root: string; dir: string } {
  const root = mkdtempSync(path.join(tmpdir(), "sd-template-"));
  const dir = path.join(root, path.basename(built));
  cpSync(built, dir, { recursive: true });
  return { root, dir };
}

function recorder() {
  const lines: string[] = [];
  return {
    lines,
    info: (_: object, msg: string) => lines.push(msg),
    debug: (_: object, msg: string) => lines.push(msg),
  };
}

const freshDataDir = () => mkdtempSync(path.join(tmpdir(), "sd-data-"));

beforeAll(async () => {
  builtRoot = mkdtempSync(path.join(tmpdir(), "sd-template-build-"));
  built = await buildTemplate(builtRoot);
}, 120_000);

describe("PGlite template", () => {
  it("is keyed by the migrations and found again once built", () => {
    expect(path.basename(built)).toBe(templateKey());
    expect(findTemplate(builtRoot)?.dir).toBe(built);
    expect(readdirSync(builtRoot)).toEqual([templateKey()]);
    expect(templateTarball(builtRoot)).toBeInstanceOf(Blob);
  });

  it("gives a fresh DATA_DIR a usable, fully migrated database without initdb", async () => {
    const { root } = copyOfTemplate();
    const dataDir = freshDataDir();
    const log = recorder();
    const database = await openDatabase(
      { dataDir, databaseUrl: undefined },
      { logger: log, templateRoot: root },
    );
    try {
      expect(log.lines).toEqual(["PGlite data directory created from the template"]);
      const [{ n }] = (await database.query<{ n: number }>(
        "select count(*)::int as n from drizzle.__drizzle_migrations",
      )) as [{ n: number }];
      expect(n).toBe(journalEntries());
      // Not seeded: the catalog seed still runs through the normal start path.
      expect(await database.query("select * from app_seeds")).toEqual([]);
      await database.query("create table template_probe (id int primary key)");
      await database.query("insert into template_probe values (1)");
    } finally {
      await database.close();
    }
    // The copy is an ordinary data directory: it reopens with its data, from itself.
    const again = await openDatabase(
      { dataDir, databaseUrl: undefined },
      { logger: log, templateRoot: root },
    );
    try {
      expect(await again.query("select id from template_probe")).toEqual([{ id: 1 }]);
      expect(log.lines).toHaveLength(1);
    } finally {
      await again.close();
    }
    expect(existsSync(path.join(dataDir, "signaldesk.lock"))).toBe(false);
  });

  it("holds the one database PGlite uses, without free-space or visibility maps (fewer files to create)", async () => {
    const manifest = JSON.parse(readFileSync(path.join(built, "manifest.json"), "utf8"));
    const files = (manifest.files as [string, number, string][]).map(([rel]) => rel);
    expect(readdirSync(path.join(built, "pgdata", "base"))).toHaveLength(1);
    expect(files.filter((rel) => /_(fsm|vm)$/.test(rel))).toEqual([]);

    const { root } = copyOfTemplate();
    const dataDir = freshDataDir();
    const database = await openDatabase({ dataDir, databaseUrl: undefined }, { templateRoot: root });
    try {
      expect(await database.query("select datname from pg_database")).toEqual([{ datname: "postgres" }]);
      // A table grown, thinned and vacuumed gets its maps back and keeps working.
      await database.query("create table maps_probe (id int primary key)");
      await database.query("insert into maps_probe select generate_series(1, 2000)");
      await database.query("delete from maps_probe where id % 2 = 0");
      await database.query("vacuum maps_probe");
      await database.query("insert into maps_probe values (2)");
      expect(await database.query("select count(*)::int as n from maps_probe")).toEqual([{ n: 1001 }]);
    } finally {
      await database.close();
    }
  });

  it("is not used when a file fails its checksum, and leaves nothing in DATA_DIR", async () => {
    const { root, dir } = copyOfTemplate();
    writeFileSync(path.join(dir, "pgdata", "PG_VERSION"), "9\n");
    const dataDir = freshDataDir();
    const log = recorder();
    expect(await createFromTemplate(path.join(dataDir, "pgdata"), log, root)).toBe(false);
    expect(log.lines).toEqual(["PGlite template unusable: running initdb"]);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it("is not used when it was built for other migrations or is incomplete", async () => {
    const stale = copyOfTemplate();
    const manifest = JSON.parse(readFileSync(path.join(stale.dir, "manifest.json"), "utf8"));
    writeFileSync(path.join(stale.dir, "manifest.json"), JSON.stringify({ ...manifest, key: "other" }));
    expect(findTemplate(stale.root)).toBeUndefined();
    expect(templateTarball(stale.root)).toBeUndefined();

    const partial = copyOfTemplate();
    writeFileSync(path.join(partial.dir, "manifest.json"), "{");
    const log = recorder();
    const dataDir = freshDataDir();
    expect(await createFromTemplate(path.join(dataDir, "pgdata"), log, partial.root)).toBe(false);
    expect(log.lines).toEqual(["no PGlite template for these migrations: running initdb"]);
    expect(await createFromTemplate(path.join(dataDir, "pgdata"), log, path.join(dataDir, "missing"))).toBe(
      false,
    );
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it("removes a copy left behind by a crash before copying again", async () => {
    const { root } = copyOfTemplate();
    const dataDir = freshDataDir();
    mkdirSync(path.join(dataDir, "pgdata.template-999999"));
    writeFileSync(path.join(dataDir, "pgdata.template-999999", "PG_VERSION"), "17\n");
    expect(await createFromTemplate(path.join(dataDir, "pgdata"), undefined, root)).toBe(true);
    expect(readdirSync(dataDir)).toEqual(["pgdata"]);
  });

  it("falls back to initdb when PGlite cannot open the copy", { timeout: 180_000 }, async () => {
    // Checksums that match a broken data directory: what PGlite refuses to start from.
    const { root, dir } = copyOfTemplate();
    const manifestFile = path.join(dir, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    writeFileSync(path.join(dir, "pgdata", "PG_VERSION"), "9\n");
    const { createHash } = await import("node:crypto");
    for (const file of manifest.files as [string, number, string][]) {
      if (file[0] === "PG_VERSION") file[2] = createHash("sha256").update("9\n").digest("hex");
    }
    writeFileSync(manifestFile, JSON.stringify(manifest));

    const dataDir = freshDataDir();
    const log = recorder();
    const database = await openDatabase(
      { dataDir, databaseUrl: undefined },
      { logger: log, templateRoot: root },
    );
    try {
      expect(log.lines).toEqual([
        "PGlite data directory created from the template",
        "database from the PGlite template unusable: running initdb",
      ]);
      const rows = await database.query<{ n: number }>(
        "select count(*)::int as n from drizzle.__drizzle_migrations",
      );
      expect(rows[0]?.n).toBe(journalEntries());
      expect(readFileSync(path.join(dataDir, "pgdata", "PG_VERSION"), "utf8").trim()).not.toBe("9");
    } finally {
      await database.close();
    }
  });
});
