import type { FastifyInstance } from "fastify";
import { Api } from "grammy";
import type { Logger } from "pino";
import { buildApp } from "./app";
import { ConfigError, loadConfig, type ResolvedConfig } from "./config";
import { startControlSocket } from "./control";
import { openDatabase } from "./db/open";
import { createDeps, type Deps } from "./deps";
import { systemClock } from "./shared/clock";
import { createLogger } from "./shared/logger";

/** Config errors are the operator's to fix: one line naming the variable, exit code 1. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): ResolvedConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`signaldesk: invalid configuration: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

async function resolveBotUsername(config: ResolvedConfig, logger: Logger): Promise<ResolvedConfig> {
  const token = config.telegram.botToken;
  if (!token || config.telegram.botUsername) return config;
  try {
    const me = await new Api(token, { apiRoot: config.telegram.apiRoot }).getMe();
    return { ...config, telegram: { ...config.telegram, botUsername: me.username } };
  } catch (err) {
    logger.warn({ err: (err as Error).message }, "could not read the bot username from getMe");
    return config;
  }
}

export interface RunningServer {
  app: FastifyInstance;
  deps: Deps;
  stop(): Promise<void>;
}

/** Starts everything the service runs: database, services, HTTP, control socket. */
export async function startServer(baseConfig: ResolvedConfig): Promise<RunningServer> {
  const logger = createLogger(baseConfig.logLevel);
  const database = await openDatabase(baseConfig, { logger });
  const config = await resolveBotUsername(baseConfig, logger);
  const deps = await createDeps({ config, database, clock: systemClock, logger });
  if (await deps.catalog.seedDefaultCatalog()) logger.info("default catalog seeded");
  const app = await buildApp(deps);
  await app.listen({ port: config.port, host: config.host });
  deps.sweeper.start();
  deps.telegram?.start();
  const control = database.kind === "pglite" ? await startControlSocket(deps) : undefined;
  logger.info({ database: database.kind, publicUrl: config.publicUrl }, "signaldesk ready");

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // Stop accepting, let in-flight requests finish (bounded), then release the database.
      const timer = setTimeout(() => {
        logger.warn("shutdown timeout: closing remaining connections");
        app.server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      await app.close();
      clearTimeout(timer);
      await deps.sweeper.stop();
      // After HTTP: webhook handlers acknowledged before the close still get to finish.
      await deps.telegram?.stop();
      await control?.close();
      await deps.close();
      await database.close();
      logger.info("signaldesk stopped");
    })();
    return stopping;
  };
  return { app, deps, stop };
}

export async function runUntilSignalled(config: ResolvedConfig): Promise<void> {
  const server = await startServer(config);
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      server.deps.logger.info({ signal }, "shutting down");
      server.stop().then(
        () => process.exit(0),
        (err) => {
          server.deps.logger.error({ err }, "shutdown failed");
          process.exit(1);
        },
      );
    });
  }
}
