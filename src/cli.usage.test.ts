import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { asksForHelp, USAGE, usageOf } from "./cli.usage";

const BIN = path.resolve(import.meta.dirname, "../bin/signaldesk.js");
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });

describe("CLI help", () => {
  it("has the lines of one command, both of a two-word family, and nothing for an unknown command", () => {
    expect(usageOf("token")).toBe(
      "usage: signaldesk token --telegram-id N [--admin]         print a bearer token for that Telegram user\n",
    );
    expect(usageOf("producer", "create")).toMatch(/^usage: signaldesk producer create --name X/);
    const producer = usageOf("producer")!;
    expect(producer).toContain("signaldesk producer create --name X");
    expect(producer).toContain("signaldesk producer alert-url --id P");
    expect(usageOf("nope")).toBeNull();
    // An unknown subcommand of a known family shows the family.
    expect(usageOf("producer", "nope")).toBe(producer);
    expect(asksForHelp(["--name", "x", "-h"])).toBe(true);
    expect(asksForHelp(["--name", "help"])).toBe(false);
  });

  it("answers `<command> --help` with that command's usage and exit 0 (it used to crash)", () => {
    const token = run("token", "--help");
    expect(token.status).toBe(0);
    expect(token.stdout).toMatch(/^usage: signaldesk token --telegram-id N/);
    const create = run("producer", "create", "-h");
    expect(create.status).toBe(0);
    expect(create.stdout).toMatch(/^usage: signaldesk producer create/);
    for (const command of ["backup", "restore"]) {
      const help = run(command, "--help");
      expect(help.status, command).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^usage: signaldesk ${command} (\\[--file F\\]|--file F) `));
      expect(help.stdout).toContain("embedded database");
    }
    const all = run("--help");
    expect(all.status).toBe(0);
    expect(all.stdout).toBe(USAGE);
  });

  it("names a bad option and shows the command's usage, exit 1", () => {
    const res = run("token", "--telegram", "5");
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("--telegram");
    expect(res.stderr).toContain("usage: signaldesk token --telegram-id N");
    const restore = run("restore");
    expect(restore.status).toBe(1);
    expect(restore.stderr).toBe("signaldesk: --file is required (a backup)\n");
    const unknown = run("tokn", "--help");
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('unknown command "tokn"');
  });
});
