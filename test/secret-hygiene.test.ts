import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LightMyRequestResponse } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { signInitData } from "../src/modules/auth/auth.models";
import { createTestApp, type TestApp } from "./support/app";
import { TEST_BOT_TOKEN } from "./support/config";
import { createUser } from "./support/factories";
import { leaksInProcessOutput, SecretWatch } from "./support/secrets";

/**
 * The watch every test app runs on close (test/support/app.ts) must be able to fail: each case
 * plants one kind of secret where it must never be and expects the check to name it.
 */
describe("secret hygiene check", () => {
  let open: TestApp | undefined;
  afterEach(async () => {
    // Only when a test failed before closing its app itself; the leak it planted is expected.
    await open?.close().catch(() => undefined);
    open = undefined;
  });

  async function planted(env: Record<string, string> = {}) {
    open = await createTestApp({ env });
    const app = open;
    const close = () => {
      open = undefined;
      return app.close();
    };
    return { ...app, close };
  }

  it("finds a device secret from a registration response in a log line", async () => {
    const app = await planted();
    const user = await createUser(app.deps);
    const res = await app.app.inject({
      method: "POST",
      url: "/api/v1/devices",
      headers: user.headers,
      payload: { name: "terminal" },
    });
    expect(res.statusCode).toBe(201);
    const { secret } = res.json() as { secret: string };
    app.deps.logger.info({ note: `device key ${secret}` }, "careless line");
    await expect(app.close()).rejects.toThrow(/device secret|secret in a response/);
  });

  it("finds a producer secret that never crossed HTTP, derived from the database", async () => {
    const app = await planted();
    const producer = await app.deps.producers.create({ kind: "cli" }, "feed");
    app.deps.logger.warn(`retrying with ${producer.secret}`);
    await expect(app.close()).rejects.toThrow(/producer secret/);
  });

  it("finds a JWT and the bot token in log lines", async () => {
    const app = await planted({ TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN });
    const user = await createUser(app.deps);
    app.deps.logger.info(`calling with ${user.headers.authorization}`);
    app.deps.logger.info(`bot https://api.telegram.org/bot${TEST_BOT_TOKEN}/getMe`);
    const failure = await app.close().then(
      () => "",
      (err: Error) => err.message,
    );
    expect(failure).toMatch(/JWT in log line/);
    expect(failure).toMatch(/bot token in log line/);
  });

  it("finds initData's hash sent to /auth/telegram", async () => {
    const app = await planted({ TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN });
    const initData = signInitData(
      {
        user: JSON.stringify({ id: 777, first_name: "Ada" }),
        auth_date: String(Math.floor(Date.now() / 1000)),
      },
      TEST_BOT_TOKEN,
    );
    const res = await app.app.inject({ method: "POST", url: "/api/v1/auth/telegram", payload: { initData } });
    expect(res.statusCode).toBe(200);
    app.deps.logger.info(`auth from ${new URLSearchParams(initData).get("hash")}`);
    await expect(app.close()).rejects.toThrow(/initData hash/);
  });

  it("finds a signature echoed in an error body, and leaves ids and fuzz filler alone", () => {
    const watch = new SecretWatch();
    const signature = "q3Zk9-XwPb2LrT7vYn4sAe8uJc1mHd6fGi0oKp5lNx";
    watch.noteRequest({
      method: "GET",
      url: "/api/v1/device/poll",
      headers: { "x-signature": signature, authorization: "kkkkkkkkkkkkkkkkkkkkkkkk" },
      payload: { initData: "sig_01M7Z4XYCZ6578Z3PR83HK00B6" },
    });
    const answer = (status: number, body: string) =>
      ({
        statusCode: status,
        body,
        headers: { "content-type": "application/problem+json" },
      }) as never as LightMyRequestResponse;
    watch.noteResponse("GET /api/v1/device/poll → 401", answer(401, `{"detail":"bad ${signature}"}`));
    const leaks = watch.leaks([
      '{"url":"/api/v1/signals/sig_01M7Z4XYCZ6578Z3PR83HK00B6?x=kkkkkkkkkkkkkkkkkkkkkkkk"}',
    ]);
    expect(leaks.map((l) => `${l.kind} @ ${l.where}`)).toEqual([
      "x-signature header @ error body of GET /api/v1/device/poll → 401",
    ]);
  });

  it("checks a server process's output against its env and generated secrets", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "sd-hygiene-"));
    writeFileSync(
      path.join(dataDir, "secrets.json"),
      JSON.stringify({ JWT_SECRET: "generated-jwt-secret-0123456789" }),
    );
    const output = [
      '{"msg":"signaldesk ready"}',
      '{"msg":"signing with generated-jwt-secret-0123456789"}',
      `{"msg":"token ${TEST_BOT_TOKEN}"}`,
    ].join("\n");
    const leaks = leaksInProcessOutput(output, { dataDir, env: { TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN } });
    expect(leaks.map((l) => `${l.kind} @ ${l.where}`)).toEqual([
      "JWT_SECRET @ log line 2",
      "TELEGRAM_BOT_TOKEN @ log line 3",
    ]);
  });
});
