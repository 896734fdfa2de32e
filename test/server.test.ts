import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInitData } from "../src/modules/auth/auth.models";
import { FakeTelegramApi } from "./fakes/telegram-api";
import { TEST_BOT_TOKEN } from "./support/config";
import { runCli, type ServerProcess, startServerProcess } from "./support/process";
import { describeLeaks, leaksInProcessOutput } from "./support/secrets";

/** The service as an operator runs it: a real process, real HTTP, the embedded database on disk. */
describe("signaldesk server process", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "sd-server-"));
  const telegram = new FakeTelegramApi();
  let server: ServerProcess;
  let env: Record<string, string>;
  /** Output of every server process this file started, for the secret-hygiene check. */
  const outputs: (() => string)[] = [];
  /** Tokens and initData this file was given; none may reach a log line. */
  const issued: string[] = [];

  beforeAll(async () => {
    await telegram.start();
    env = {
      DATA_DIR: dataDir,
      TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_MODE: "off",
      LOG_LEVEL: "info",
    };
    server = await startServerProcess(env);
    outputs.push(server.output);
  }, 120_000);

  afterAll(async () => {
    if (server?.child.exitCode === null) server.child.kill("SIGKILL");
    await telegram.stop();
  });

  it("answers /readyz on a fresh DATA_DIR and reads the bot username from the Bot API", async () => {
    expect(server.readyMs).toBeGreaterThan(0);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(telegram.callsOf("getMe")).toHaveLength(1);
    expect(telegram.callsOf("getMe")[0]!.token).toBe(TEST_BOT_TOKEN);
  });

  it("signs a Telegram user in over HTTP and serves /me with the token", async () => {
    const initData = signInitData(
      {
        user: JSON.stringify({ id: 31337, first_name: "Grace" }),
        auth_date: String(Math.floor(Date.now() / 1000)),
      },
      TEST_BOT_TOKEN,
    );
    const auth = await fetch(`${server.url}/api/v1/auth/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "e2e-auth-1" },
      body: JSON.stringify({ initData }),
    });
    expect(auth.status).toBe(200);
    expect(auth.headers.get("x-request-id")).toBe("e2e-auth-1");
    const { accessToken } = (await auth.json()) as { accessToken: string };
    issued.push(accessToken, initData);
    const me = await fetch(`${server.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(((await me.json()) as { telegramId: number }).telegramId).toBe(31337);
    expect(server.output()).toContain('"reqId":"e2e-auth-1"');
    expect(server.output()).not.toContain(new URLSearchParams(initData).get("hash")!);
  });

  it("answers errors as problem+json over real HTTP", async () => {
    const notFound = await fetch(`${server.url}/api/v1/nope`);
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get("content-type")).toContain("application/problem+json");
    const tooLarge = await fetch(`${server.url}/api/v1/auth/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ initData: "x".repeat(100_000) }),
    });
    expect(tooLarge.status).toBe(413);
    const noToken = await fetch(`${server.url}/api/v1/me`);
    expect(noToken.status).toBe(401);
    expect(((await noToken.json()) as { code: string }).code).toBe("auth.unauthenticated");
  });

  it("mints an admin token from the CLI through the running server", async () => {
    const { code, stdout } = await runCli(["token", "--telegram-id", "4040", "--admin"], env);
    expect(code).toBe(0);
    const me = await fetch(`${server.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${stdout.trim()}` },
    });
    expect(await me.json()).toMatchObject({ telegramId: 4040, role: "admin" });
  });

  it("refuses a second process on the same DATA_DIR with a clear message", async () => {
    const { code, stderr } = await runCli(["start"], { ...env, PORT: "0" });
    expect(code).toBe(1);
    expect(stderr).toMatch(/DATA_DIR .* is in use by another signaldesk process/);
  });

  it("refuses an invalid setting with one line naming it", async () => {
    const { code, stderr } = await runCli(["start"], { ...env, PORT: "not-a-port" });
    expect(code).toBe(1);
    expect(
      stderr
        .trim()
        .split("\n")
        .filter((l) => l.includes("signaldesk:")),
    ).toEqual([expect.stringMatching(/^signaldesk: invalid configuration: PORT: /)]);
  });

  it("shuts down on SIGTERM, releases the lock and keeps tokens valid across a restart", async () => {
    const { stdout } = await runCli(["token", "--telegram-id", "5050"], env);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(existsSync(path.join(dataDir, "signaldesk.lock"))).toBe(false);
    server = await startServerProcess(env);
    outputs.push(server.output);
    issued.push(stdout.trim());
    const me = await fetch(`${server.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${stdout.trim()}` },
    });
    expect(me.status).toBe(200);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  }, 120_000);

  it("never writes a token, key, secret or initData to its output", () => {
    const output = outputs.map((o) => o()).join("\n");
    expect(output).toContain("signaldesk ready");
    const leaks = leaksInProcessOutput(output, { dataDir, env, extra: issued });
    expect(leaks, describeLeaks(leaks)).toEqual([]);
  });
});
