import type { PollItem } from "./delivery.index";

interface Waiter {
  finish(items: PollItem[]): void;
}

/**
 * Long polls parked per device. A waiter ends exactly once: woken with signals, timed out,
 * abandoned by its client, or released at shutdown.
 */
export class Waiters {
  private readonly byDevice = new Map<string, Set<Waiter>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Parks until `finish` is called or `waitMs` passes; `closed` fires when the client goes away. */
  park(
    deviceId: string,
    waitMs: number,
    closed: { once(e: "close", f: () => void): void; off(e: "close", f: () => void): void },
  ) {
    return new Promise<PollItem[]>((resolve) => {
      const waiter: Waiter = { finish: (items) => end(items) };
      const onClose = () => end([]);
      const timer = setTimeout(() => end([]), waitMs);
      const end = (items: PollItem[]) => {
        clearTimeout(timer);
        closed.off("close", onClose);
        const set = this.byDevice.get(deviceId);
        if (set?.delete(waiter)) {
          this.count--;
          if (set.size === 0) this.byDevice.delete(deviceId);
        }
        resolve(items);
      };
      closed.once("close", onClose);
      let set = this.byDevice.get(deviceId);
      if (!set) {
        set = new Set();
        this.byDevice.set(deviceId, set);
      }
      set.add(waiter);
      this.count++;
    });
  }

  /** Hands `items(deviceId)` to the device's waiters when there is something to hand. */
  wake(deviceId: string, items: () => PollItem[]): void {
    const set = this.byDevice.get(deviceId);
    if (!set) return;
    const found = items();
    if (found.length === 0) return;
    for (const waiter of [...set]) waiter.finish(found);
  }

  has(deviceId: string): boolean {
    return this.byDevice.has(deviceId);
  }

  release(deviceId: string): void {
    for (const waiter of [...(this.byDevice.get(deviceId) ?? [])]) waiter.finish([]);
  }

  releaseAll(): void {
    for (const deviceId of [...this.byDevice.keys()]) this.release(deviceId);
  }

  deviceIds(): string[] {
    return [...this.byDevice.keys()];
  }
}
