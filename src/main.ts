import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { ResolvedConfig } from "./config";
import { openDatabase } from "./db/open";
import type { Deps } from "./deps";
import { systemClock } from "./shared/clock";
import { registerInstance, thisProcess } from "./shared/deployment/instances";
import { checkDeploymentKeys } from "./shared/deployment/keys";
import { createLogger } from "./shared/logger";
import { startupPhases } from "./startup-phases";

async function resolveBotUsername(config: ResolvedConfig, logger: Logger): Promise<ResolvedConfig> {
  const token = config.telegram.botToken;
  if (!token || config.telegram.botUsername) return config;
  try {
    const { Api } = await import("grammy");
    const me = await new Api(token, { apiRoot: config.telegram.apiRoot }).getMe();
    return { ...config, telegram: { ...config.telegram, botUsername: me.username } };
  } catch (err) {
    logger.warn({ err: (err as Error).message }, "could not read the bot username from getMe");
    return config;
  }
}

/**
 * How long after listening prom-client loads (unless a scrape needs it earlier): its default
 * metrics' GC and event-loop histograms observe from then on.
 */
const METRICS_LOAD_DELAY_MS = 1_000;

/** Work that runs beside the HTTP server: started in this order, stopped in reverse. */
interface BackgroundWork {
  name: string;
  /** Started before the server listens: requests need it (device polls are served from its index). */
  beforeListen: boolean;
  start(): unknown;
  stop(): Promise<unknown>;
}

/** Every piece of background work the service runs, listed once. */
export function backgroundWork(deps: Deps): BackgroundWork[] {
  const { lastSeen, delivery, sweeper, telegram, channels } = deps;
  return [
    {
      name: "device last-seen flusher",
      beforeListen: true,
      start: () => lastSeen.start(),
      stop: () => lastSeen.stop(),
    },
    { name: "delivery", beforeListen: true, start: () => delivery.start(), stop: () => delivery.stop() },
    { name: "order sweeper", beforeListen: false, start: () => sweeper.start(), stop: () => sweeper.stop() },
    ...(telegram
      ? [
          {
            name: "telegram bot",
            beforeListen: false,
            start: () => telegram.start(),
            stop: () => telegram.stop(),
          },
          // After the bot: removals, posts and the reconcile go out through its paced sender.
          {
            name: "channel access",
            beforeListen: false,
            start: () => channels.jobs.start(),
            stop: () => channels.jobs.stop(),
          },
        ]
      : []),
  ];
}

export interface RunningServer {
  app: FastifyInstance;
  deps: Deps;
  stop(): Promise<void>;
}

/** Starts everything the service runs: database, services, HTTP, control socket. */
export async function startServer(baseConfig: ResolvedConfig): Promise<RunningServer> {
  const phases = startupPhases();
  const logger = createLogger(baseConfig.logLevel);
  // The embedded database's copy and WebAssembly compile run on other threads while this one
  // loads the HTTP app (its modules are chunks of their own in the CLI bundle): a third of a start.
  const opening = openDatabase(baseConfig, { logger, mark: phases.mark });
  const modules = Promise.all([import("./deps"), import("./app"), import("./control")]);
  let database: Awaited<typeof opening>;
  try {
    database = await opening;
  } catch (err) {
    await modules.catch(() => undefined);
    throw err;
  }
  let loaded: Awaited<typeof modules>;
  try {
    loaded = await modules;
  } catch (err) {
    await database.close();
    throw err;
  }
  const [{ createDeps }, { buildApp }, { startControlSocket }] = loaded;
  phases.mark("app modules");
  let instance: Awaited<ReturnType<typeof registerInstance>>;
  try {
    await checkDeploymentKeys(database.db, baseConfig, systemClock.now());
    instance = await registerInstance(database.db, thisProcess(Boolean(baseConfig.redisUrl)), systemClock);
  } catch (err) {
    await database.close();
    throw err;
  }
  const config = await resolveBotUsername(baseConfig, logger);
  phases.mark("keys");
  const deps = await createDeps({ config, database, clock: systemClock, logger });
  phases.mark("deps");
  if (await deps.catalog.seedDefaultCatalog()) logger.info("default catalog seeded");
  phases.mark("seed");
  const app = await buildApp(deps);
  phases.mark("routes");
  const background = backgroundWork(deps);
  for (const work of background.filter((w) => w.beforeListen)) await work.start();
  phases.mark("delivery index");
  await app.listen({ port: config.port, host: config.host });
  phases.mark("listen");
  for (const work of background.filter((w) => !w.beforeListen)) await work.start();
  const control = database.kind === "pglite" ? await startControlSocket(deps) : undefined;
  // prom-client loads once the server answers (~65 CPU ms: shared/metrics.ts), a moment later so
  // the first requests (a supervisor's /readyz) are not kept waiting behind it; a scrape before
  // then loads it at once. Counts before it loads are kept and exported all the same.
  const metricsLoad = setTimeout(() => deps.metrics.loadRegistry(), METRICS_LOAD_DELAY_MS);
  phases.mark("after listen");
  logger.info(
    { database: database.kind, publicUrl: config.publicUrl, startup: phases.timings() },
    "signaldesk ready",
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // Stop accepting, let in-flight requests finish (bounded), then release the database.
      clearTimeout(metricsLoad);
      const timer = setTimeout(() => {
        logger.warn("shutdown timeout: closing remaining connections");
        app.server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      await app.close();
      clearTimeout(timer);
      // After HTTP: webhook handlers acknowledged before the close still get to finish.
      for (const work of [...background].reverse()) {
        await Promise.resolve(work.stop()).catch((err) =>
          logger.warn({ err }, `stopping the ${work.name} failed`),
        );
      }
      await control?.close();
      await instance.stop().catch((err) => logger.warn({ err }, "deregistering this instance failed"));
      await deps.close();
      await database.close();
      logger.info("signaldesk stopped");
    })();
    return stopping;
  };
  return { app, deps, stop };
}

/** A repeat of the stop signal within this time is the same request delivered twice. */
const REPEATED_SIGNAL_MS = 3_000;

interface SignalTarget {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): unknown;
}

/**
 * SIGTERM and SIGINT stop the server gracefully, then exit 0 (1 if the shutdown fails). The
 * signal often arrives twice: Ctrl-C reaches the whole process group and `npm start` forwards it
 * to the server again. The handlers therefore stay installed: a repeat within a few seconds is
 * ignored instead of falling to Node's default action, which would kill the process in the
 * middle of its shutdown (database not closed, DATA_DIR lock left). A later one forces the exit.
 */
export function stopOnSignals(
  server: Pick<RunningServer, "stop">,
  logger: Logger,
  options: { proc?: SignalTarget; now?: () => number } = {},
): void {
  const proc = options.proc ?? process;
  const now = options.now ?? Date.now;
  let firstAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt !== undefined) {
      if (now() - firstAt < REPEATED_SIGNAL_MS) {
        logger.info({ signal }, "already shutting down");
        return;
      }
      logger.warn({ signal }, "signal repeated: exiting before the shutdown has finished");
      proc.exit(1);
      return;
    }
    firstAt = now();
    logger.info({ signal }, "shutting down");
    server.stop().then(
      () => proc.exit(0),
      (err) => {
        logger.error({ err }, "shutdown failed");
        proc.exit(1);
      },
    );
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) proc.on(signal, onSignal);
}

export async function runUntilSignalled(config: ResolvedConfig): Promise<void> {
  const server = await startServer(config);
  stopOnSignals(server, server.deps.logger);
}
