import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyInstance } from "fastify";
import { buildApp } from "../src/app";
import { parseConfig, type ResolvedConfig } from "../src/config";
import type { Database } from "../src/db/client";
import { openDatabase } from "../src/db/open";
import { createDeps, type Deps } from "../src/deps";
import { systemClock } from "../src/shared/clock";
import { createLogger } from "../src/shared/logger";
import { type LoadResult, measureRoute } from "./lib/raw-load";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** What every scenario module exports; bench/run.ts runs them in file-name order. */
export interface Scenario {
  name: string;
  run(opts: { smoke: boolean }): Promise<Record<string, unknown>>;
}

export interface BenchApp {
  url: string;
  app: FastifyInstance;
  deps: Deps;
  database: Database;
  close(): Promise<void>;
}

/**
 * The service in this process on 127.0.0.1:<free port>, on a fresh PGlite in a temporary
 * DATA_DIR (or the PostgreSQL server `databaseUrl` names), migrated and seeded, with the per-IP limit out of
 * the way so the load generator measures the route and not the limiter. `env` adds settings
 * (e.g. a bot token and TELEGRAM_MODE); a configured bot is started and stopped with the app.
 */
export async function startApp(
  opts: { databaseUrl?: string; env?: Record<string, string> } = {},
): Promise<BenchApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "sd-bench-"));
  const config = parseConfig({
    DATA_DIR: dataDir,
    JWT_SECRET: "bench-jwt-secret-0123456789abcdefghijklmnop",
    MASTER_KEY: "bench-master-key-0123456789abcdefghijklmnop",
    TELEGRAM_WEBHOOK_SECRET: "bench-webhook-secret",
    LOG_LEVEL: "silent",
    RATE_LIMIT_IP_PER_MINUTE: "1000000",
    RATE_LIMIT_USER_PER_MINUTE: "1000000",
    ...opts.env,
  }) as ResolvedConfig;
  // Opened as `signaldesk start` opens it: PGlite in DATA_DIR on disk (from the template), or
  // the server. An in-memory PGlite would hold every table in the WebAssembly heap and inflate RSS.
  const database = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir });
  const deps = await createDeps({ config, database, clock: systemClock, logger: createLogger("silent") });
  await deps.catalog.seedDefaultCatalog();
  const app = await buildApp(deps);
  await app.listen({ port: 0, host: "127.0.0.1" });
  // The bot (when a token and a mode are configured) runs as under `signaldesk start`.
  deps.telegram?.start();
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    deps,
    database,
    async close() {
      await app.close();
      // After HTTP, as in `signaldesk start`: acknowledged updates' handlers get to finish (bounded).
      await deps.telegram?.stop();
      await deps.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The reference point every throughput ratio divides by: a bare Fastify route answering JSON. */
export async function startBaseline(): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  app.get("/baseline", async () => ({ status: "ok", at: 1 }));
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/baseline`, close: () => app.close() };
}

export type { LoadResult } from "./lib/raw-load";

/**
 * One GET route under load for `seconds` (see bench/lib/raw-load.ts): the same generator, in its
 * own process, as the signed device load, so a route and the bare route pay the same client cost.
 */
export function measure(
  url: string,
  opts: { seconds: number; connections?: number; headers?: Record<string, string> },
): Promise<LoadResult> {
  return measureRoute({
    url,
    seconds: opts.seconds,
    connections: opts.connections ?? 10,
    headers: opts.headers,
  });
}

/** Answers not `ok` (2xx unless said), plus failed connections: what makes a throughput figure void. */
export function failuresOf(runs: LoadResult[], ok = (status: string) => status.startsWith("2")): number {
  let failures = 0;
  for (const r of runs) {
    failures += r.errors;
    for (const [status, count] of Object.entries(r.statuses)) if (!ok(status)) failures += count;
  }
  return failures;
}

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? "unknown",
    cpus: cpus.length,
    availableParallelism: os.availableParallelism(),
    totalMemMb: Math.round(os.totalmem() / 1024 / 1024),
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    node: process.version,
    loadAvg: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export const round = (n: number, places = 2): number => Math.round(n * 10 ** places) / 10 ** places;

const mean = (xs: number[]): number => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);

/**
 * The figures of a route measured in rounds alternating with the bare baseline route: mean
 * throughput of each, their ratio, and the worst percentiles of any round.
 */
export function versusBaseline(
  label: string,
  runs: Pick<LoadResult, "rps" | "p50Ms" | "p99Ms" | "requests">[],
  bare: Pick<LoadResult, "rps" | "p99Ms">[],
  secondsPerRound: number,
) {
  const rps = mean(runs.map((r) => r.rps));
  const baselineRps = mean(bare.map((r) => r.rps));
  return {
    rps,
    baselineRps,
    ratio: round(rps / baselineRps, 3),
    p50Ms: Math.max(...runs.map((r) => r.p50Ms)),
    p99Ms: Math.max(...runs.map((r) => r.p99Ms)),
    baselineP99Ms: Math.max(...bare.map((r) => r.p99Ms)),
    seconds: runs.length * secondsPerRound,
    requests: runs.reduce((n, r) => n + r.requests, 0),
    roundsRps: runs.map((r, i) => ({ [label]: r.rps, baseline: bare[i]!.rps })),
  };
}
