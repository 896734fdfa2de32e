import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type ServerProcess, startServerProcess } from "./support/process";

const KEYS = { JWT_SECRET: "j".repeat(40), MASTER_KEY: "m".repeat(40) };
const fresh = (name: string) => mkdtempSync(path.join(tmpdir(), `sd-${name}-`));

/** `signaldesk backup` / `restore` of the embedded database, with real processes as an operator runs them. */
describe("signaldesk backup and restore", () => {
  const work = fresh("backups");
  const source = { ...KEYS, DATA_DIR: fresh("backup-source"), LOG_LEVEL: "warn" };
  const target = { ...KEYS, DATA_DIR: fresh("backup-target"), LOG_LEVEL: "warn" };
  const backupFile = path.join(work, "nightly.tar.gz");
  let server: ServerProcess | undefined;
  let token: string;

  beforeAll(async () => {
    server = await startServerProcess(source);
  }, 120_000);

  afterAll(async () => {
    if (server?.child.exitCode === null) server.child.kill("SIGKILL");
  });

  const stop = async () => {
    server?.child.kill("SIGTERM");
    expect(await server?.exited).toBe(0);
    server = undefined;
  };

  it("backs up the embedded database while the server runs, through the server itself", async () => {
    const minted = await runCli(["token", "--telegram-id", "6060"], source);
    expect(minted.code).toBe(0);
    token = minted.stdout.trim();
    const res = await runCli(["backup", "--file", backupFile], source);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`^backup written: ${backupFile} \\(\\d+\\.\\d MB\\)\\n$`));
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
    expect(readdirSync(work)).toEqual(["nightly.tar.gz"]);
    // The server kept running and serving.
    expect((await fetch(`${server!.url}/readyz`)).status).toBe(200);
  }, 120_000);

  it("refuses to restore over a running server's database, in one line, and changes nothing", async () => {
    const res = await runCli(["restore", "--file", backupFile], source);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /^signaldesk: a signaldesk server is running on DATA_DIR .*: stop it before restoring/,
    );
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(readdirSync(source.DATA_DIR).filter((n) => n.startsWith("pgdata"))).toEqual(["pgdata"]);
    expect((await fetch(`${server!.url}/readyz`)).status).toBe(200);
  });

  it("restores into a fresh DATA_DIR; a server started there has the backed-up user and honours its token", async () => {
    await stop();
    const res = await runCli(["restore", "--file", backupFile], target);
    expect(res.stderr).toBe("");
    expect(res.stdout.trim()).toBe(`restored ${backupFile} into ${path.join(target.DATA_DIR, "pgdata")}`);
    server = await startServerProcess(target);
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ telegramId: 6060 });
  }, 120_000);

  it("backs up without a server too, and a restore over a stopped database keeps the replaced one aside", async () => {
    await stop();
    const offline = path.join(work, "offline.tar.gz");
    const backup = await runCli(["backup", "--file", offline], target);
    expect(backup.stderr).toBe("");
    expect(backup.code).toBe(0);
    const res = await runCli(["restore", "--file", offline], target);
    expect(res.code).toBe(0);
    const aside = readdirSync(target.DATA_DIR).filter((n) => n.startsWith("pgdata.replaced-"));
    expect(aside).toHaveLength(1);
    expect(res.stdout).toContain(`the database it replaced is in ${path.join(target.DATA_DIR, aside[0]!)}`);
    expect(existsSync(path.join(target.DATA_DIR, "pgdata", "PG_VERSION"))).toBe(true);
  }, 120_000);

  it("refuses a restore whose database was set up with other keys, and a file that is no backup", async () => {
    const other = {
      DATA_DIR: fresh("backup-other"),
      LOG_LEVEL: "warn",
      JWT_SECRET: "x".repeat(40),
      MASTER_KEY: KEYS.MASTER_KEY,
    };
    const wrongKeys = await runCli(["restore", "--file", backupFile], other);
    expect(wrongKeys.code).toBe(1);
    expect(wrongKeys.stderr).toMatch(
      /^signaldesk: this backup's database was set up with another JWT_SECRET: /,
    );
    const garbage = path.join(work, "garbage.tar.gz");
    writeFileSync(garbage, "not a tarball");
    const notBackup = await runCli(["restore", "--file", garbage], other);
    expect(notBackup.code).toBe(1);
    expect(notBackup.stderr).toMatch(/is not a backup of a signaldesk database/);
    // Nothing was put in place, and nothing half-made was left.
    expect(readdirSync(other.DATA_DIR).filter((n) => n.startsWith("pgdata"))).toEqual([]);
  }, 120_000);

  it("with DATABASE_URL points to pg_dump and pg_restore in one line", async () => {
    const env = { DATA_DIR: fresh("backup-pg"), DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" };
    const backup = await runCli(["backup"], env);
    expect(backup.code).toBe(1);
    expect(backup.stderr).toMatch(/^signaldesk: with DATABASE_URL .* pg_dump .*\n$/);
    const restore = await runCli(["restore", "--file", backupFile], env);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(/^signaldesk: with DATABASE_URL .* pg_restore .*\n$/);
  });
});

describe("an interrupted restore", () => {
  it("is not taken for a new DATA_DIR: the server refuses to start with one line saying what to do", async () => {
    const dataDir = fresh("backup-interrupted");
    mkdirSync(path.join(dataDir, "pgdata.replaced-20261206T010000Z"));
    const res = await runCli(["start"], { ...KEYS, DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "warn" });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /a restore was interrupted; run signaldesk restore again, or rename pgdata\.replaced-/,
    );
    expect(existsSync(path.join(dataDir, "pgdata"))).toBe(false);
  }, 60_000);
});
