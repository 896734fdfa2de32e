import type { PollItem } from "./delivery.index";
import type { UpdateDelivery } from "./delivery.positions";

/** What one poll answers with (API.md §7.2 and §10); an empty answer has nothing in any list. */
export interface PollAnswer {
  signals: PollItem[];
  updates: UpdateDelivery[];
}

export const EMPTY_ANSWER: PollAnswer = Object.freeze({ signals: [], updates: [] }) as PollAnswer;
export const isEmptyAnswer = (a: PollAnswer) => a.signals.length === 0 && a.updates.length === 0;

/** The client connection a poll waits on: "close" when the device goes away. */
export interface PollConnection {
  on(e: "close", f: () => void): unknown;
  off(e: "close", f: () => void): unknown;
}

/**
 * One parked poll, as small as it can be: 10,000 of them sit on an instance at once. Its wait is
 * kept as a deadline for the instance's one timer (no timer, and no closure besides the close
 * listener, per poll), and the close listener is added with `on` (a `once` wraps it in another
 * function and a state object) and removed when the poll ends.
 */
interface Parked {
  deviceId: string;
  waitMs: number;
  deadline: number;
  resolve(answer: PollAnswer): void;
  connection: PollConnection;
  onClose: () => void;
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
 * Their waits share one timer, armed for the earliest deadline: polls of the same wait length
 * time out in the order they were parked, so each length keeps a set in deadline order and the
 * timer only ever looks at the head of each (a device's wait is a whole number of seconds, at
 * most 31 lengths).
 */
export class Waiters {
  private readonly byDevice = new Map<string, Set<Parked>>();
  private readonly byWait = new Map<number, Set<Parked>>();
  private count = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(private readonly limits: WaiterLimits = DEFAULT_WAITER_LIMITS) {}

  get size(): number {
    return this.count;
  }

  /** Parks until `finish` is called or `waitMs` passes; `closed` fires when the client goes away. */
  park(deviceId: string, waitMs: number, connection: PollConnection) {
    // An EA holds one poll at a time (two while reconnecting); more are a bug or an attack, so
    // the oldest is answered (empty) and only the newest wait. Sets keep insertion order.
    const parked = this.byDevice.get(deviceId);
    while (parked && parked.size >= this.limits.perDevice) this.end([...parked][0]!, EMPTY_ANSWER);
    if (this.count >= this.limits.total) throw new ParkingFull();
    return new Promise<PollAnswer>((resolve) => {
      const deadline = Date.now() + waitMs;
      const poll: Parked = {
        deviceId,
        waitMs,
        deadline,
        resolve,
        connection,
        onClose: () => this.end(poll, EMPTY_ANSWER),
      };
      connection.on("close", poll.onClose);
      let ofDevice = this.byDevice.get(deviceId);
      if (!ofDevice) {
        ofDevice = new Set();
        this.byDevice.set(deviceId, ofDevice);
      }
      ofDevice.add(poll);
      let ofWait = this.byWait.get(waitMs);
      if (!ofWait) {
        ofWait = new Set();
        this.byWait.set(waitMs, ofWait);
      }
      ofWait.add(poll);
      this.count++;
      this.arm(deadline);
    });
  }

  /** Ends a poll with `answer`; a poll already ended is left alone. */
  private end(poll: Parked, answer: PollAnswer): void {
    const ofDevice = this.byDevice.get(poll.deviceId);
    // Stryker disable next-line OptionalChaining: end runs once per poll, while its device's set holds it
    if (!ofDevice?.delete(poll)) return;
    this.count--;
    if (ofDevice.size === 0) this.byDevice.delete(poll.deviceId);
    const ofWait = this.byWait.get(poll.waitMs)!;
    ofWait.delete(poll);
    if (ofWait.size === 0) this.byWait.delete(poll.waitMs);
    poll.connection.off("close", poll.onClose);
    // Nothing left to time out: no timer keeps running (or keeps a test's clock busy).
    if (this.count === 0) this.disarm();
    poll.resolve(answer);
  }

  private arm(deadline: number): void {
    if (deadline >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = deadline;
    this.timer = setTimeout(() => this.expire(), Math.max(0, deadline - Date.now()));
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** Answers every poll whose wait is over (empty), then arms the timer for the next deadline. */
  private expire(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const ofWait of [...this.byWait.values()]) {
      for (const poll of ofWait) {
        if (poll.deadline > now) {
          next = Math.min(next, poll.deadline);
          break;
        }
        this.end(poll, EMPTY_ANSWER);
      }
    }
    if (next < Number.POSITIVE_INFINITY) this.arm(next);
  }

  /** Hands `answer()` to the device's waiters when there is something to hand. */
  wake(deviceId: string, answer: () => PollAnswer): void {
    const set = this.byDevice.get(deviceId);
    if (!set) return;
    const found = answer();
    if (isEmptyAnswer(found)) return;
    for (const poll of [...set]) this.end(poll, found);
  }

  has(deviceId: string): boolean {
    return this.byDevice.has(deviceId);
  }

  release(deviceId: string): void {
    for (const poll of [...(this.byDevice.get(deviceId) ?? [])]) this.end(poll, EMPTY_ANSWER);
  }

  releaseAll(): void {
    for (const deviceId of [...this.byDevice.keys()]) this.release(deviceId);
  }

  deviceIds(): string[] {
    return [...this.byDevice.keys()];
  }
}
