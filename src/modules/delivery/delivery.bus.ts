import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import pg from "pg";
import type { Logger } from "pino";
import { HEARTBEAT_MS, inbox, outbox } from "./delivery.stream";

/** What another instance must learn to keep its delivery index current. */
export type DeliveryMessage =
  | { k: "open"; s: string }
  | { k: "approve"; s: string; u: string; at: number }
  | { k: "close"; s: string }
  | { k: "ack"; s: string; d: string }
  | { k: "device"; d: string }
  /** A signal got an update: load its position (updates, fills, results) from the database. */
  | { k: "update"; s: string }
  /** A device filled a signal (it holds the position from now on), with the fill's broker ticket. */
  | { k: "fill"; s: string; d: string; t: string }
  /** A device settled an update. */
  | { k: "result"; s: string; u: string; d: string }
  /** A device's settings reached version `v`: reload them and answer its parked polls. */
  | { k: "settings"; d: string; v: number }
  | { k: "user"; u: string };

export interface DeliveryBus {
  readonly kind: "none" | "redis" | "postgres";
  publish(message: DeliveryMessage): void;
  /**
   * `onResync` runs whenever messages may have been missed (a reconnect, a gap in an instance's
   * numbers, an instance gone silent, this instance's own heartbeats not coming back): the
   * state is reloaded from the database.
   */
  start(onMessage: (m: DeliveryMessage) => void, onResync: (why: string) => void): Promise<void>;
  stop(): Promise<void>;
  /**
   * False while this instance's own heartbeats do not come back: it may be missing the other
   * instances' messages (their ACKs, results), so what it offers is checked in the database.
   */
  connected(): boolean;
}

/** One instance (the embedded database): nobody else to tell. */
export function localBus(): DeliveryBus {
  return { kind: "none", publish() {}, async start() {}, async stop() {}, connected: () => true };
}

/** The heartbeat timer both buses run: sends this instance's heartbeat, then notices silence. */
function heartbeats(out: ReturnType<typeof outbox>, into: ReturnType<typeof inbox>) {
  const timer = setInterval(() => {
    out.heartbeat();
    into.check();
  }, HEARTBEAT_MS);
  timer.unref();
  return timer;
}

/**
 * Redis pub/sub. The subscriber is a connection of its own; after it reconnects (ioredis
 * resubscribes by itself) the state is reloaded, since messages sent meanwhile are gone.
 */
export function redisBus(redis: Redis, channel: string, instanceId: string, logger: Logger): DeliveryBus {
  let subscriber: Redis | undefined;
  let timer: NodeJS.Timeout | undefined;
  const out = outbox({ instanceId, logger, send: (payload) => redis.publish(channel, payload) });
  let into: ReturnType<typeof inbox> | undefined;
  return {
    kind: "redis",
    publish: out.publish,
    connected: () => into?.connected() ?? true,
    async start(onMessage, onResync) {
      // Resubscribed by this bus, not by ioredis: ioredis's own resubscribe on reconnect drops the
      // SUBSCRIBE's promise, so a connection closing during it (a cut, a stop) was an unhandled
      // rejection (ioredis/built/redis/event_handler.js, readyHandler).
      // Named so that CLIENT LIST tells each instance's subscriber apart.
      const sub = redis.duplicate({ autoResubscribe: false, connectionName: `${channel}:${instanceId}` });
      subscriber = sub;
      into = inbox({
        instanceId,
        onMessage,
        onResync,
        logger,
        // A subscription whose socket never reported the loss (a silent partition) is redone.
        onLost: () => sub.disconnect(true),
      });
      const receive = into.receive;
      sub.on("message", (_channel: string, payload: string) => receive(payload));
      let connectedBefore = false;
      sub.on("ready", () => {
        // The state is reloaded once subscribed, so nothing published after the reload's read is
        // missed. A SUBSCRIBE that fails leaves the subscription silent, which the inbox notices
        // (no heartbeats) and redoes on a new connection.
        if (connectedBefore)
          sub.subscribe(channel).then(
            () => onResync("the delivery subscriber reconnected"),
            (err) => logger.warn({ err }, "delivery subscriber could not resubscribe"),
          );
        connectedBefore = true;
      });
      sub.on("error", (err) => logger.warn({ err }, "delivery subscriber error"));
      await sub.subscribe(channel);
      timer = heartbeats(out, into);
    },
    async stop() {
      clearInterval(timer);
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
  let timer: NodeJS.Timeout | undefined;
  let receive: (payload: string | undefined) => void = () => {};
  let resync: (why: string) => void = () => {};
  const out = outbox({
    instanceId,
    logger,
    send: (payload) => pool.query("select pg_notify($1, $2)", [channel, payload]),
  });
  let into: ReturnType<typeof inbox> | undefined;

  const retryLater = () => {
    if (stopped) return;
    clearTimeout(retry);
    retry = setTimeout(() => {
      listen(true).catch((err) => {
        logger.warn({ err }, "delivery listener could not reconnect");
        retryLater();
      });
    }, 1_000);
  };

  /** Drops the listener (lost, or silent while its socket looks open) and listens again. */
  const relisten = (client: pg.Client) => {
    client.end().catch(() => {});
    if (listener !== client || stopped) return;
    listener = undefined;
    retryLater();
  };

  async function listen(afterLoss: boolean) {
    // keepAlive and a connect timeout: a partition must end in an error, not a socket open forever.
    const client = new pg.Client({ connectionString, keepAlive: true, connectionTimeoutMillis: 5_000 });
    client.on("notification", (n) => receive(n.payload));
    client.on("error", (err) => {
      if (listener === client && !stopped) logger.warn({ err }, "delivery listener lost its connection");
      relisten(client);
    });
    try {
      await client.connect();
      await client.query(`listen "${channel}"`);
    } catch (err) {
      client.end().catch(() => {});
      throw err;
    }
    if (stopped) return void client.end().catch(() => {});
    listener = client;
    if (afterLoss) resync("the delivery listener reconnected");
  }

  return {
    kind: "postgres",
    publish: out.publish,
    connected: () => into?.connected() ?? true,
    async start(onMessage, onResync) {
      resync = onResync;
      into = inbox({
        instanceId,
        onMessage,
        onResync,
        logger,
        onLost: () => {
          if (listener) relisten(listener);
        },
      });
      receive = into.receive;
      await listen(false);
      timer = heartbeats(out, into);
    },
    async stop() {
      stopped = true;
      clearTimeout(retry);
      clearInterval(timer);
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
