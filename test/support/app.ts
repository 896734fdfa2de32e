import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach } from "vitest";
import { buildApp } from "../../src/app";
import type { Database } from "../../src/db/client";
import { createDeps, type Deps } from "../../src/deps";
import { ManualClock } from "../../src/shared/clock";
import { createLogger } from "../../src/shared/logger";
import { testConfig } from "./config";
import { watchContract } from "./contract";
import { resetDatabase, testDatabase } from "./db";
import { describeLeaks, SecretWatch, watchInject } from "./secrets";

export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  database: Database;
  clock: ManualClock;
  /** Every log line the app wrote, for assertions (and the secret-hygiene checks). */
  logs: string[];
  /** The secrets that crossed this app; checked against its logs and error bodies on close. */
  secrets: SecretWatch;
  close(): Promise<void>;
}

export async function createTestApp(
  opts: { env?: Record<string, string | undefined>; clock?: ManualClock } = {},
): Promise<TestApp> {
  const database = await testDatabase();
  const clock = opts.clock ?? new ManualClock(new Date());
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const config = testConfig(opts.env);
  const deps = await createDeps({ config, database, clock, logger: createLogger(config.logLevel, sink) });
  const app = await buildApp(deps);
  // The background work requests need (main.ts starts these before listening, and the rest after).
  deps.lastSeen.start();
  await deps.delivery.start();
  await app.ready();
  const secrets = new SecretWatch();
  secrets.addConfig(config);
  watchInject(app, secrets);
  const contract = watchContract(app);
  return {
    app,
    deps,
    database,
    clock,
    logs,
    secrets,
    async close() {
      // Keys derived before closing: the tables are emptied before the next test, not after.
      await secrets.addDerivedKeys(database, config.masterKey);
      await app.close();
      // Work the test set off that runs on past its last await (update handlers, notifications
      // being composed, after-commit reactions) ends here, not while the next test empties the
      // tables: deps.close() bounds this wait for a production shutdown, a test must not.
      await deps.telegram?.intake.settled();
      await deps.telegram?.notifications.settled();
      await deps.events.settled();
      await deps.delivery.stop();
      await deps.lastSeen.stop();
      await deps.close();
      if (contract.violations.length > 0) {
        throw new Error(
          `responses not as /openapi.json documents them:\n  ${contract.violations.join("\n  ")}`,
        );
      }
      const leaks = secrets.leaks(logs);
      if (leaks.length > 0) throw new Error(describeLeaks(leaks));
    },
  };
}

/**
 * A fresh app (services, caches, in-memory indexes) for every test over the worker's shared
 * database, emptied first. Returns a getter because the app is built in a hook.
 */
export function useTestApp(opts: Parameters<typeof createTestApp>[0] = {}): () => TestApp {
  let current: TestApp | undefined;
  beforeEach(async () => {
    await resetDatabase(await testDatabase());
    current = await createTestApp(opts);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error("useTestApp: the app is built in beforeEach");
    return current;
  };
}

/**
 * `useTestApp`, also listening on 127.0.0.1 for clients in other processes (the Python device,
 * the benchmark's tools); `url` is its address.
 */
export function useListeningTestApp(
  opts: Parameters<typeof createTestApp>[0] = {},
): () => TestApp & { url: string } {
  const ctx = useTestApp(opts);
  let url = "";
  beforeEach(async () => {
    await ctx().app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(ctx().app.server.address() as AddressInfo).port}`;
  });
  return () => ({ ...ctx(), url });
}
