import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type ServerProcess, startServerProcess } from "../../../test/support/process";

/** The operator's flow with real processes: a producer key from the CLI, then a signed publish. */
describe("signaldesk producer create and publish", () => {
  const env = { DATA_DIR: mkdtempSync(path.join(tmpdir(), "sd-producer-")), LOG_LEVEL: "warn" };
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess(env);
  }, 120_000);

  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
  });

  it("creates a producer through the running server's control socket and publishes with its secret", async () => {
    const created = await runCli(["producer", "create", "--name", "breakout-bot"], env);
    expect(created.stderr).toBe("");
    const producer = JSON.parse(created.stdout) as { id: string; name: string; secret: string };
    expect(producer).toMatchObject({ id: expect.stringMatching(/^pro_/), name: "breakout-bot" });

    const published = await runCli(
      [
        "publish",
        ...["--url", server.url, "--producer-id", producer.id, `--secret=${producer.secret}`],
        ...["--instrument", "EURUSD", "--side", "buy", "--order-type", "limit", "--entry", "1.085"],
        ...["--sl", "1.08", "--tp", "1.095", "--ttl", "60", "--external-id", "bar-1"],
      ],
      env,
    );
    expect(published.code).toBe(0);
    expect(JSON.parse(published.stdout)).toMatchObject({
      externalId: "bar-1",
      entryPrice: 1.085,
      status: "open",
    });
  });

  it("migrates through the running server (the embedded database is its own while it runs)", async () => {
    const migrated = await runCli(["migrate"], env);
    expect(migrated.stderr).toBe("");
    expect(migrated.code).toBe(0);
    expect(migrated.stdout.trim()).toBe("migrations applied");
  });

  it("explains a missing name or subcommand", async () => {
    expect((await runCli(["producer", "create"], env)).stderr).toMatch(/--name is required/);
    expect((await runCli(["producer", "list"], env)).stderr).toMatch(/usage: signaldesk producer create/);
  });
});
