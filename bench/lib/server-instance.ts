import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseConfig, type ResolvedConfig } from "../../src/config";
import { startServer } from "../../src/main";
import { openFilesLimit } from "./fd-limit";
import { MARKET_BUY } from "./relay-fixtures";

/**
 * One signaldesk instance as `signaldesk start` runs it (src/main.ts: instance registry,
 * delivery bus, background work), in a process of its own so that several can share one
 * PostgreSQL and Redis like instances behind a balancer, each with its own RSS. The parent drives
 * it over the IPC channel: `InstanceRequest` in, `InstanceReply` out.
 */

export interface InstanceOptions {
  databaseUrl: string;
  redisUrl: string;
  masterKey: string;
  env?: Record<string, string>;
}

export type InstanceRequest =
  | { id: number; cmd: "stats" }
  /** Collects garbage, settles, and takes the idle RSS; peak sampling runs from here on. */
  | { id: number; cmd: "idle" }
  /** Publishes one auto-approved signal for every subscriber as `producerId`. */
  | { id: number; cmd: "publish"; producerId: string }
  | { id: number; cmd: "stop" }
  /**
   * Starts a CPU profile of this instance (node:inspector), or stops it and writes it to `file`:
   * the scenario profiles the fan-out alone this way (SCALEOUT_FANOUT_PROF_DIR), where
   * `--cpu-prof` would mix in the start and the parking.
   */
  | { id: number; cmd: "profile"; file?: string };

export interface InstanceStats {
  waiting: number;
  rssMb: number;
  rssIdleMb: number;
  rssPeakMb: number;
  /** CPU time (user + system) this process has used since it started, ms. */
  cpuMs: number;
  /** The open-files limit this process runs under (the scenario raises it before exec). */
  fdLimit: number | null;
}

export type InstanceReply =
  | { event: "ready"; url: string; pid: number; startMs: number }
  | { id: number; ok: true; stats: InstanceStats }
  | { id: number; ok: true; publishedAt: number; approvedAt: number; signalId: string }
  | { id: number; ok: false; error: string };

const rssMb = () => Math.round((process.memoryUsage.rss() / 1024 / 1024) * 10) / 10;

export async function serve(opts: InstanceOptions): Promise<void> {
  const started = Date.now();
  const dataDir = mkdtempSync(path.join(tmpdir(), "sd-bench-instance-"));
  const config = parseConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl,
    PORT: "0",
    HOST: "127.0.0.1",
    JWT_SECRET: "bench-jwt-secret-0123456789abcdefghijklmnop",
    MASTER_KEY: opts.masterKey,
    TELEGRAM_WEBHOOK_SECRET: "bench-webhook-secret",
    LOG_LEVEL: "silent",
    RATE_LIMIT_IP_PER_MINUTE: "1000000",
    RATE_LIMIT_USER_PER_MINUTE: "1000000",
    ...opts.env,
  }) as ResolvedConfig;
  const server = await startServer(config);
  const { deps } = server;
  // Stamped as the delivery module is told of the commit, before it wakes anybody (a reaction
  // registered here would run after delivery's, whose synchronous part wakes every device).
  let approvedAt = 0;
  const signalOpened = deps.delivery.signalOpened;
  deps.delivery.signalOpened = (...args) => {
    approvedAt = Date.now();
    return signalOpened(...args);
  };
  let rssIdleMb = rssMb();
  let rssPeakMb = rssIdleMb;
  let sampler: NodeJS.Timeout | undefined;
  const stats = (): InstanceStats => ({
    waiting: deps.delivery.stats().waiting,
    rssMb: rssMb(),
    rssIdleMb,
    rssPeakMb,
    cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
    fdLimit: openFilesLimit(),
  });
  const send = (reply: InstanceReply) => process.send!(reply);
  let profiler: Session | undefined;
  const inspect = <T>(session: Session, method: string) =>
    new Promise<T>((resolve, reject) =>
      session.post(method, (err, result) => (err ? reject(err) : resolve(result as T))),
    );

  process.on("message", async (req: InstanceRequest) => {
    try {
      if (req.cmd === "stats") send({ id: req.id, ok: true, stats: stats() });
      else if (req.cmd === "idle") {
        global.gc?.();
        await new Promise((r) => setTimeout(r, 500));
        rssIdleMb = rssMb();
        rssPeakMb = rssIdleMb;
        // Every 50 ms: reading RSS costs a /proc read, and at 20 ms that showed in the profile.
        sampler = setInterval(() => {
          rssPeakMb = Math.max(rssPeakMb, rssMb());
        }, 50);
        send({ id: req.id, ok: true, stats: stats() });
      } else if (req.cmd === "publish") {
        const publishedAt = Date.now();
        const { signal } = await deps.signals.publish(
          { kind: "producer", producerId: req.producerId },
          MARKET_BUY,
        );
        send({ id: req.id, ok: true, publishedAt, approvedAt, signalId: signal.id });
      } else if (req.cmd === "profile") {
        if (!profiler) {
          profiler = new Session();
          profiler.connect();
          await inspect(profiler, "Profiler.enable");
          await inspect(profiler, "Profiler.start");
        } else {
          const { profile } = await inspect<{ profile: object }>(profiler, "Profiler.stop");
          profiler.disconnect();
          profiler = undefined;
          if (req.file) writeFileSync(req.file, JSON.stringify(profile));
        }
        send({ id: req.id, ok: true, stats: stats() });
      } else if (req.cmd === "stop") {
        clearInterval(sampler);
        const last = stats();
        await server.stop();
        rmSync(dataDir, { recursive: true, force: true });
        // Exits at once (a --cpu-prof profile is written then), whatever timers are left.
        process.send!({ id: req.id, ok: true, stats: last } satisfies InstanceReply, () => process.exit(0));
      }
    } catch (err) {
      send({ id: req.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
  const { port } = server.app.server.address() as AddressInfo;
  send({ event: "ready", url: `http://127.0.0.1:${port}`, pid: process.pid, startMs: Date.now() - started });
}
