import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type ServerProcess, startServerProcess } from "../../../test/support/process";

/** The operator's way in on a fresh install: `signaldesk console-link`, then the browser. */
describe("signaldesk console-link", () => {
  const env = { DATA_DIR: mkdtempSync(path.join(tmpdir(), "sd-console-")), LOG_LEVEL: "warn" };
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess(env);
  }, 120_000);

  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
  });

  it("refuses a non-admin, then prints a link that signs a browser in once", async () => {
    const refused = await runCli(["console-link", "--telegram-id", "4242"], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("not an admin");

    const made = await runCli(["console-link", "--telegram-id", "4242", "--admin"], env);
    expect(made.stderr).toBe("");
    const link = new URL(made.stdout.trim());
    expect(link.pathname).toBe("/console/login");
    const url = `${server.url}${link.pathname}${link.search}`;
    const first = await fetch(url, { redirect: "manual" });
    expect(first.status).toBe(303);
    const cookie = String(first.headers.get("set-cookie")).split(";")[0]!;
    const session = await fetch(`${server.url}/api/v1/console/session`, { headers: { cookie } });
    expect(session.status).toBe(200);
    expect(((await session.json()) as { user: { telegramId: number } }).user.telegramId).toBe(4242);
    expect((await fetch(url, { redirect: "manual" })).status).toBe(401);
  });
});
