import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import pg from "pg";
import type { Logger } from "pino";

/** What another instance must learn to keep its delivery index current. */
export type DeliveryMessage =
  | { k: "open"; s: string }
  | { k: "approve"; s: string; u: string; at: number }
  | { k: "close"; s: string }
  | { k: "ack"; s: string; d: string }
  | { k: "device"; d: string }
  /** A signal got an update: load its position (updates, fills, results) from the database. */
  | { k: "update"; s: string }
  /** A device filled a signal whose position has updates, with the fill's broker ticket. */
  | { k: "fill"; s: string; d: string; t: string }
  /** A device settled an update. */
  | { k: "result"; s: string; u: string; d: string }
  /** A device's settings reached version `v`: reload them and answer its parked polls. */
  | { k: "settings"; d: string; v: number }
  | { k: "user"; u: string };

export interface DeliveryBus {
  readonly kind: "none" | "redis" | "postgres";
  publish(message: DeliveryMessage): void;
  /** `onResync` runs after a reconnect: messages sent meanwhile are lost, so state is reloaded. */
  start(onMessage: (m: DeliveryMessage) => void, onResync: () => void): Promise<void>;
  stop(): Promise<void>;
}

/** NOTIFY payloads must stay under 8,000 bytes. */
const MAX_PAYLOAD = 7_000;

/** Messages published within this window travel together. */
const COALESCE_MS = 5;

/**
 * Messages that make signals deliverable: one per publish or approval (never one per device), and
 * the other instances' parked polls wait on them.
 */
const WAKING: ReadonlySet<DeliveryMessage["k"]> = new Set(["open", "approve"]);

/**
 * Messages published close together travel together, as few payloads as fit: a burst of fills
 * (each an ACK the other instances must learn) costs a few NOTIFYs a second, not thousands, for
 * at most a few milliseconds of extra wake-up latency on the other instances. A waking message
 * goes out at once, with those queued before it (in order): the publishing instance answers its
 * own parked polls right after, and with 10,000 of them the coalescing timer would fire only
 * once all their answers were written, hundreds of milliseconds that every other instance's
 * devices would wait on top of their own fan-out (bench/scenarios/scaleout.ts).
 */
function coalescing(instanceId: string, send: (payload: string) => void) {
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const messages = pending;
    pending = [];
    let batch: string[] = [];
    let size = 0;
    const emit = () => {
      if (batch.length > 0) send(`{"o":"${instanceId}","m":[${batch.join(",")}]}`);
      batch = [];
      size = 0;
    };
    for (const m of messages) {
      if (size + m.length > MAX_PAYLOAD) emit();
      batch.push(m);
      size += m.length + 1;
    }
    emit();
  };
  return (message: DeliveryMessage) => {
    pending.push(JSON.stringify(message));
    if (WAKING.has(message.k)) flush();
    else timer ??= setTimeout(flush, COALESCE_MS);
  };
}

function receiver(instanceId: string, onMessage: (m: DeliveryMessage) => void, logger: Logger) {
  return (payload: string | undefined) => {
    try {
      const envelope = JSON.parse(payload ?? "") as { o: string; m: DeliveryMessage[] };
      if (envelope.o !== instanceId) for (const m of envelope.m) onMessage(m);
    } catch (err) {
      logger.warn({ err }, "ignoring a malformed delivery message");
    }
  };
}

/** One instance (the embedded database): nobody else to tell. */
export function localBus(): DeliveryBus {
  return { kind: "none", publish() {}, async start() {}, async stop() {} };
}

export function redisBus(redis: Redis, channel: string, instanceId: string, logger: Logger): DeliveryBus {
  let subscriber: Redis | undefined;
  const publish = coalescing(instanceId, (payload) => {
    redis
      .publish(channel, payload)
      .catch((err) => logger.warn({ err }, "publishing a delivery message failed"));
  });
  return {
    kind: "redis",
    publish,
    async start(onMessage, onResync) {
      subscriber = redis.duplicate();
      const receive = receiver(instanceId, onMessage, logger);
      subscriber.on("message", (_channel: string, payload: string) => receive(payload));
      let connectedBefore = false;
      subscriber.on("ready", () => {
        if (connectedBefore) onResync();
        connectedBefore = true;
      });
      subscriber.on("error", (err) => logger.warn({ err }, "delivery subscriber error"));
      await subscriber.subscribe(channel);
    },
    async stop() {
      await subscriber?.quit().catch(() => subscriber?.disconnect());
      subscriber = undefined;
    },
  };
}

/**
 * LISTEN needs one connection of its own for as long as the instance runs; NOTIFY goes
 * through the pool. A lost listener reconnects and asks for a resync.
 */
export function postgresBus(pool: pg.Pool, channel: string, instanceId: string, logger: Logger): DeliveryBus {
  const connectionString = (pool.options as pg.PoolConfig).connectionString;
  let listener: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let receive: (payload: string | undefined) => void = () => {};
  let resync: () => void = () => {};

  const retryLater = () => {
    if (stopped) return;
    retry = setTimeout(() => {
      listen(true).catch((err) => {
        logger.warn({ err }, "delivery listener could not reconnect");
        retryLater();
      });
    }, 1_000);
  };

  async function listen(afterLoss: boolean) {
    const client = new pg.Client({ connectionString });
    client.on("notification", (n) => receive(n.payload));
    client.on("error", (err) => {
      client.end().catch(() => {});
      if (listener !== client || stopped) return;
      logger.warn({ err }, "delivery listener lost its connection");
      listener = undefined;
      retryLater();
    });
    await client.connect();
    await client.query(`listen "${channel}"`);
    listener = client;
    if (afterLoss) resync();
  }

  return {
    kind: "postgres",
    publish: coalescing(instanceId, (payload) => {
      pool.query("select pg_notify($1, $2)", [channel, payload]).catch((err) => {
        logger.warn({ err }, "publishing a delivery message failed");
      });
    }),
    async start(onMessage, onResync) {
      receive = receiver(instanceId, onMessage, logger);
      resync = onResync;
      await listen(false);
    },
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await listener?.end().catch(() => {});
      listener = undefined;
    },
  };
}

/**
 * Redis when configured (several instances behind a balancer), else LISTEN/NOTIFY on a
 * PostgreSQL server; the embedded database serves one instance, which needs no bus.
 */
export function deliveryBusFor(opts: {
  redis: Redis | undefined;
  pool: pg.Pool | undefined;
  prefix: string;
  logger: Logger;
}): DeliveryBus {
  const instanceId = randomUUID();
  if (opts.redis) return redisBus(opts.redis, `${opts.prefix}delivery`, instanceId, opts.logger);
  if (opts.pool) return postgresBus(opts.pool, "signaldesk_delivery", instanceId, opts.logger);
  return localBus();
}
