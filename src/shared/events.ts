/**
 * In-process domain events, emitted after the transaction that caused them commits. Modules
 * that must react on other instances too (device delivery) add their own cross-instance channel.
 */
export interface DomainEvents {
  "entitlements.changed": { userId: string };
  "orders.paid": { orderId: string; userId: string };
  "orders.refunded": { orderId: string; userId: string };
}

type Listener<T> = (payload: T) => void | Promise<void>;

export type EventBus = ReturnType<typeof createEventBus>;

export function createEventBus(onError: (err: unknown, event: string) => void = () => {}) {
  const listeners = new Map<keyof DomainEvents, Listener<never>[]>();
  return {
    on<K extends keyof DomainEvents>(event: K, listener: Listener<DomainEvents[K]>): void {
      listeners.set(event, [...(listeners.get(event) ?? []), listener as Listener<never>]);
    },
    /** Listeners run without blocking the emitter; a failing listener is reported, never thrown. */
    emit<K extends keyof DomainEvents>(event: K, payload: DomainEvents[K]): void {
      for (const listener of listeners.get(event) ?? []) {
        Promise.resolve()
          .then(() => (listener as Listener<DomainEvents[K]>)(payload))
          .catch((err) => onError(err, event));
      }
    },
  };
}
