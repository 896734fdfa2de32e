import type { PollItem } from "./delivery.index";
import type { UpdateDelivery } from "./delivery.positions";

/** What one poll answers with (API.md §7.2 and §10); an empty answer has nothing in any list. */
export interface PollAnswer {
  signals: PollItem[];
  updates: UpdateDelivery[];
}

export const EMPTY_ANSWER: PollAnswer = Object.freeze({ signals: [], updates: [] }) as PollAnswer;
export const isEmptyAnswer = (a: PollAnswer) => a.signals.length === 0 && a.updates.length === 0;

interface Waiter {
  finish(answer: PollAnswer): void;
}

export interface WaiterLimits {
  /** Polls one device may have parked; one more releases its oldest with an empty answer. */
  perDevice: number;
  /** Polls parked on this instance; past it a poll is refused (`ParkingFull`). */
  total: number;
}

export const DEFAULT_WAITER_LIMITS: WaiterLimits = { perDevice: 2, total: 10_000 };

/** Every parking place of this instance is taken: the poll is answered 503 with Retry-After. */
export class ParkingFull extends Error {
  constructor() {
    super("too many parked polls");
  }
}

/**
 * Long polls parked per device. A waiter ends exactly once: woken with signals, timed out,
 * abandoned by its client, released at shutdown, or pushed out by a newer poll of its device.
 */
export class Waiters {
  private readonly byDevice = new Map<string, Set<Waiter>>();
  private count = 0;

  constructor(private readonly limits: WaiterLimits = DEFAULT_WAITER_LIMITS) {}

  get size(): number {
    return this.count;
  }

  /** Parks until `finish` is called or `waitMs` passes; `closed` fires when the client goes away. */
  park(
    deviceId: string,
    waitMs: number,
    closed: { once(e: "close", f: () => void): void; off(e: "close", f: () => void): void },
  ) {
    // An EA holds one poll at a time (two while reconnecting); more are a bug or an attack, so
    // the oldest is answered (empty) and only the newest wait. Sets keep insertion order.
    const parked = this.byDevice.get(deviceId);
    while (parked && parked.size >= this.limits.perDevice) [...parked][0]!.finish(EMPTY_ANSWER);
    if (this.count >= this.limits.total) throw new ParkingFull();
    return new Promise<PollAnswer>((resolve) => {
      const waiter: Waiter = { finish: (answer) => end(answer) };
      const onClose = () => end(EMPTY_ANSWER);
      const timer = setTimeout(() => end(EMPTY_ANSWER), waitMs);
      const end = (answer: PollAnswer) => {
        clearTimeout(timer);
        closed.off("close", onClose);
        const set = this.byDevice.get(deviceId);
        // Stryker disable next-line OptionalChaining: end runs once per waiter, while its device's set holds it
        if (set?.delete(waiter)) {
          this.count--;
          if (set.size === 0) this.byDevice.delete(deviceId);
        }
        resolve(answer);
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

  /** Hands `answer()` to the device's waiters when there is something to hand. */
  wake(deviceId: string, answer: () => PollAnswer): void {
    const set = this.byDevice.get(deviceId);
    if (!set) return;
    const found = answer();
    if (isEmptyAnswer(found)) return;
    for (const waiter of [...set]) waiter.finish(found);
  }

  has(deviceId: string): boolean {
    return this.byDevice.has(deviceId);
  }

  release(deviceId: string): void {
    for (const waiter of [...(this.byDevice.get(deviceId) ?? [])]) waiter.finish(EMPTY_ANSWER);
  }

  releaseAll(): void {
    for (const deviceId of [...this.byDevice.keys()]) this.release(deviceId);
  }

  deviceIds(): string[] {
    return [...this.byDevice.keys()];
  }
}
