/**
 * In-process domain events, emitted after the transaction that caused them commits. Modules
 * that must react on other instances too (device delivery) add their own cross-instance channel.
 */
export interface DomainEvents {
  "entitlements.changed": { userId: string };
  "orders.paid": { orderId: string; userId: string };
  "orders.refunded": { orderId: string; userId: string };
  /** The buyer cancelled a pending order; payments closes any open checkout for it. */
  "orders.cancelled": { orderId: string; userId: string };
  /** Each recipient, and whether auto-approve already approved it for them. */
  "signals.published": { signalId: string; recipients: { userId: string; autoApproved: boolean }[] };
  "signals.decided": { signalId: string; userId: string; decision: "approved" | "rejected" };
  "signals.cancelled": { signalId: string };
  /** A device reported an ACK, a fill or an error (not repeats of one already stored). */
  "executions.reported": {
    executionId: string;
    signalId: string;
    deviceId: string;
    userId: string;
    type: "ack" | "fill" | "error";
  };
  /** Emitted once per offline spell, by one instance, while approved signals wait un-ACKed. */
  "devices.offline_with_pending": { deviceId: string; userId: string; deviceName: string; pending: number };
}

type Listener<T> = (payload: T) => void | Promise<void>;

export type EventBus = ReturnType<typeof createEventBus>;

export function createEventBus(onError: (err: unknown, event: string) => void = () => {}) {
  const listeners = new Map<keyof DomainEvents, Listener<never>[]>();
  const running = new Set<Promise<void>>();
  return {
    on<K extends keyof DomainEvents>(event: K, listener: Listener<DomainEvents[K]>): void {
      listeners.set(event, [...(listeners.get(event) ?? []), listener as Listener<never>]);
    },
    /** Listeners run without blocking the emitter; a failing listener is reported, never thrown. */
    emit<K extends keyof DomainEvents>(event: K, payload: DomainEvents[K]): void {
      for (const listener of listeners.get(event) ?? []) {
        const run: Promise<void> = Promise.resolve()
          .then(() => (listener as Listener<DomainEvents[K]>)(payload))
          .catch((err) => onError(err, event))
          .finally(() => running.delete(run));
        running.add(run);
      }
    },
    /**
     * Resolves once every listener started so far (and any they trigger) has finished: shutdown
     * waits on it before closing the database, and tests before they look at the tables.
     */
    async settled(): Promise<void> {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
