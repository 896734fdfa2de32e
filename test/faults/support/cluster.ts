import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { FakeStripe } from "../../fakes/stripe";
import { FakeTelegramApi } from "../../fakes/telegram-api";
import { TEST_BOT_TOKEN } from "../../support/config";
import { type GroupServerProcess, startServerProcess } from "../../support/process";
import { OwnPostgres, OwnRedis } from "./backends";
import { FaultProxy } from "./fault-proxy";

export const ADMIN_TELEGRAM_ID = 7_900_001;

/** One signaldesk process and the two links (PostgreSQL, Redis) the tests can break. */
export interface Instance {
  name: string;
  url: string;
  pgLink: FaultProxy;
  redisLink: FaultProxy;
  server: GroupServerProcess;
  pid: number;
  /** Set once the tests SIGKILLed it: out of the front's rotation, and expected gone. */
  killed: boolean;
  /** How much of its output the log scan has read. */
  scanned: number;
}

/**
 * Round-robin over the live instances, as a load balancer does: a connection refused goes to
 * the next instance (proxy_next_upstream on error); a killed instance leaves the rotation.
 */
export class Front {
  private next = 0;
  constructor(readonly instances: Instance[]) {}

  pick(): Instance {
    const live = this.instances.filter((i) => !i.killed);
    if (live.length === 0) throw new Error("no live instance");
    return live[this.next++ % live.length]!;
  }
}

/**
 * Own PostgreSQL and Redis, a fault proxy per instance and link, the fakes of Telegram and
 * Stripe, and `count` server processes started as an operator starts them.
 */
export class Cluster {
  readonly postgres = new OwnPostgres();
  readonly redis = new OwnRedis();
  readonly telegram = new FakeTelegramApi();
  readonly stripe = new FakeStripe();
  readonly instances: Instance[] = [];
  readonly front = new Front(this.instances);
  private pool: pg.Pool | undefined;
  private dirs: string[] = [];

  async start(count: number): Promise<void> {
    await Promise.all([
      this.postgres.start(),
      this.redis.start(),
      this.telegram.start(),
      this.stripe.start(),
    ]);
    this.pool = new pg.Pool({ connectionString: this.postgres.url(), max: 4 });
    this.pool.on("error", () => {});
    // The first applies the migrations; the others start together, as a rolling deploy would not.
    this.instances.push(await this.startInstance(0));
    const rest = await Promise.all(Array.from({ length: count - 1 }, (_, i) => this.startInstance(i + 1)));
    this.instances.push(...rest);
  }

  private async startInstance(i: number): Promise<Instance> {
    const pgLink = new FaultProxy({ host: "127.0.0.1", port: this.postgres.port }, `i${i} pg`);
    const redisLink = new FaultProxy({ host: "127.0.0.1", port: this.redis.port }, `i${i} redis`);
    await Promise.all([pgLink.start(), redisLink.start()]);
    const dataDir = mkdtempSync(path.join(tmpdir(), "sd-faults-data-"));
    this.dirs.push(dataDir);
    const env = {
      ...this.stripe.env(),
      DATA_DIR: dataDir,
      DATABASE_URL: this.postgres.url(pgLink.port),
      REDIS_URL: `redis://127.0.0.1:${redisLink.port}`,
      // Every instance of one deployment shares these (the database records their fingerprints).
      JWT_SECRET: "faults-jwt-secret-0123456789abcdefghijklmnop",
      MASTER_KEY: "faults-master-key-0123456789abcdefghijklmnop",
      TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
      TELEGRAM_API_ROOT: this.telegram.url,
      TELEGRAM_MODE: "off",
      ADMIN_TELEGRAM_IDS: String(ADMIN_TELEGRAM_ID),
      RATE_LIMIT_IP_PER_MINUTE: "1000000",
      RATE_LIMIT_USER_PER_MINUTE: "1000000",
      RATE_LIMIT_DEVICE_PER_MINUTE: "1000000",
      RATE_LIMIT_PRODUCER_PER_MINUTE: "1000000",
      // The machine is shared and loaded: a stalled event loop must not shed the suite's load.
      OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: "0",
      LOG_LEVEL: "warn",
    };
    const server = await startServerProcess(env, 120_000);
    return {
      name: `i${i}`,
      url: server.url,
      pgLink,
      redisLink,
      server,
      pid: server.child.pid!,
      killed: false,
      scanned: 0,
    };
  }

  /** SQL straight to the cluster, past every proxy: what the checks read. */
  async sql<T = Record<string, unknown>>(q: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool!.query(q, params)).rows as T[];
  }

  /** Each instance's whole output, kept for whoever reads a failure: `<dir>/<instance>.log`. */
  saveLogs(dir: string): void {
    mkdirSync(dir, { recursive: true });
    for (const i of this.instances) writeFileSync(path.join(dir, `${i.name}.log`), i.server.output());
  }

  async stop(): Promise<void> {
    for (const i of this.instances) i.server.stop("SIGKILL");
    await Promise.all(this.instances.map((i) => i.server.exited));
    await Promise.all(this.instances.flatMap((i) => [i.pgLink.stop(), i.redisLink.stop()]));
    await this.pool?.end().catch(() => {});
    await Promise.all([this.telegram.stop(), this.stripe.stop()]);
    await this.redis.stop();
    await this.postgres.stop();
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}
