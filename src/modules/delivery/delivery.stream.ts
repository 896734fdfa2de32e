import type { Logger } from "pino";
import type { DeliveryMessage } from "./delivery.bus";

/**
 * On the wire: the sending instance, its envelope number (1, 2, 3… per instance) and the
 * messages. A heartbeat carries no messages and the number of the last envelope sent, so a
 * receiver that missed the last envelope before a quiet spell learns it within a heartbeat.
 */
interface Envelope {
  o: string;
  n: number;
  m: DeliveryMessage[];
}

/** Every instance says it is alive this often (one tiny publish; unref'd timer). */
export const HEARTBEAT_MS = 1_000;
/**
 * Heard nothing from an instance (or its own heartbeats never came back) for this long: the
 * bus lost something, so state is reloaded from the database.
 */
export const SILENT_AFTER_MS = 3_500;
/**
 * Heard this instance's own heartbeat and every other instance's within this long: nothing sent
 * on the bus a moment ago can be missing here. Past it (a cut that is not yet "silent", or an
 * instance killed), what a poll would offer is checked in the database first.
 */
export const IN_STEP_MS = 1_600;
/** Envelopes that could not be sent are kept (in order) up to this many, then the oldest go. */
export const MAX_BACKLOG = 5_000;
/** An instance not heard of for this long is forgotten (a restarted one comes back with a new id). */
const FORGET_AFTER_MS = 3_600_000;

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
 * The sending side. Messages published close together travel together, as few envelopes as fit:
 * a burst of fills costs a few publishes a second, not thousands, for a few milliseconds of
 * latency. A waking message goes out at once, with those queued before it (in order): the
 * publishing instance answers its own parked polls right after, and with 10,000 of them the
 * coalescing timer would fire only once all their answers were written, hundreds of
 * milliseconds every other instance's devices would wait (bench/scenarios/scaleout.ts). An envelope the transport refused (Redis or PostgreSQL away) is kept and sent again,
 * in order, once the transport answers: the change it tells of is committed, and the other
 * instances must learn it. Only past MAX_BACKLOG are envelopes dropped; the receivers then see
 * the gap in the numbers and reload everything.
 */
export function outbox(opts: {
  instanceId: string;
  send: (payload: string) => Promise<unknown>;
  logger: Logger;
}) {
  const { instanceId, send, logger } = opts;
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let sent = 0;
  const backlog: string[] = [];
  let draining = false;
  let beating = false;
  let dropped = 0;

  const keep = (payloads: string[]) => {
    backlog.push(...payloads);
    if (backlog.length > MAX_BACKLOG) dropped += backlog.splice(0, backlog.length - MAX_BACKLOG).length;
  };
  const envelope = (messages: string[]) => `{"o":"${instanceId}","n":${++sent},"m":[${messages.join(",")}]}`;

  /** Sends the backlog in order; stops at the first refusal and keeps the rest. */
  async function drain(): Promise<void> {
    if (draining) return;
    draining = true;
    try {
      while (backlog.length > 0) {
        try {
          await send(backlog[0]!);
        } catch (err) {
          logger.warn(
            { err, waiting: backlog.length },
            "delivery messages still cannot be sent; kept for later",
          );
          return;
        }
        backlog.shift();
      }
      if (dropped > 0) logger.warn({ dropped }, "delivery messages dropped while the bus was away");
      dropped = 0;
    } finally {
      draining = false;
    }
  }

  const deliver = (payloads: string[]) => {
    if (backlog.length > 0 || draining) return keep(payloads);
    for (const p of payloads)
      send(p).catch((err) => {
        logger.warn({ err }, "publishing a delivery message failed; kept to send again");
        keep([p]);
      });
  };

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const messages = pending;
    pending = [];
    const payloads: string[] = [];
    let batch: string[] = [];
    let size = 0;
    for (const m of messages) {
      if (size + m.length > MAX_PAYLOAD && batch.length > 0) {
        payloads.push(envelope(batch));
        batch = [];
        size = 0;
      }
      batch.push(m);
      size += m.length + 1;
    }
    if (batch.length > 0) payloads.push(envelope(batch));
    deliver(payloads);
  };

  return {
    publish(message: DeliveryMessage): void {
      pending.push(JSON.stringify(message));
      if (WAKING.has(message.k)) flush();
      else timer ??= setTimeout(flush, COALESCE_MS);
    },
    /** The backlog first; then the last number, unless the previous heartbeat is still on its way. */
    heartbeat(): void {
      if (backlog.length > 0) {
        void drain();
        return;
      }
      if (beating) return;
      beating = true;
      send(`{"o":"${instanceId}","n":${sent},"m":[]}`)
        .catch(() => {})
        .finally(() => {
          beating = false;
        });
    },
    /** Envelopes waiting for the transport (for tests and logs). */
    backlog: () => backlog.length,
  };
}

/**
 * The receiving side: applies other instances' messages and asks for a resync (a reload of the
 * delivery state from the database) whenever something may have been missed: a gap in an
 * instance's numbers, an instance gone silent (killed, or cut off), or this instance's own
 * heartbeats not coming back (its subscription is dead even if the socket looks open).
 */
export function inbox(opts: {
  instanceId: string;
  onMessage: (m: DeliveryMessage) => void;
  onResync: (why: string) => void;
  /** This instance's own heartbeats stopped coming back: the transport may reconnect. */
  onLost?: () => void;
  logger: Logger;
  now?: () => number;
}) {
  const { instanceId, onMessage, onResync, logger } = opts;
  const now = opts.now ?? Date.now;
  const others = new Map<string, { n: number; heardAt: number; silent: boolean }>();
  let echoedAt = now();
  let lost = false;

  return {
    receive(payload: string | undefined): void {
      let envelope: Envelope;
      try {
        envelope = JSON.parse(payload ?? "") as Envelope;
      } catch (err) {
        logger.warn({ err }, "ignoring a malformed delivery message");
        return;
      }
      const at = now();
      if (envelope.o === instanceId) {
        echoedAt = at;
        if (lost) {
          lost = false;
          onResync("the bus answers again");
        }
        return;
      }
      const known = others.get(envelope.o);
      // A heartbeat repeats the last number; an envelope with messages is the next one.
      const expected = (known?.n ?? 0) + (envelope.m.length > 0 ? 1 : 0);
      if (known && envelope.n > expected) onResync("a delivery message was missed");
      if (known?.silent) onResync("an instance is heard again");
      others.set(envelope.o, { n: Math.max(known?.n ?? 0, envelope.n), heardAt: at, silent: false });
      for (const m of envelope.m) onMessage(m);
    },
    /**
     * Whether this instance has heard, a moment ago, its own heartbeat and every other
     * instance's: only then can it trust that no ACK or result sent on the bus is missing here.
     */
    connected(): boolean {
      const since = now() - IN_STEP_MS;
      if (lost || echoedAt < since) return false;
      for (const other of others.values()) if (other.heardAt < since) return false;
      return true;
    },
    /** Run every heartbeat: notices silence. */
    check(): void {
      const at = now();
      if (!lost && at - echoedAt > SILENT_AFTER_MS) {
        lost = true;
        logger.warn("this instance's delivery messages do not come back through the bus");
        opts.onLost?.();
      }
      let silenced = false;
      for (const [id, other] of others) {
        if (at - other.heardAt > FORGET_AFTER_MS) others.delete(id);
        else if (!other.silent && at - other.heardAt > SILENT_AFTER_MS) {
          other.silent = true;
          silenced = true;
        }
      }
      if (silenced) onResync("an instance went silent");
    },
  };
}
