export interface YieldOptions {
  /** True while something more urgent competes for the thread (the intake's acknowledgements). */
  yielding?: () => boolean;
  /** Tasks that may run at once while `yielding` is true (at most `concurrency`). */
  whileYielding?: number;
}

/**
 * Runs tasks one after another per key (a person's updates keep their order: "add device" must
 * be handled before the name that answers it) and at most `concurrency` tasks at once overall,
 * so a burst of updates cannot exhaust the database pool. At most `capacity` tasks wait or run:
 * beyond that, a push resolves only once there is room (the caller's answer waits, which is the
 * backpressure), and pushes keep their arrival order while they wait. While `yielding` says
 * something more urgent competes (acknowledgements arriving faster than they are answered), at
 * most `whileYielding` tasks start, unless the queue is full.
 */
export function createKeyedQueue(
  concurrency: number,
  capacity = Number.POSITIVE_INFINITY,
  opts: YieldOptions = {},
) {
  const chains = new Map<string, Promise<void>>();
  const inflight = new Set<Promise<void>>();
  const waiting: (() => void)[] = [];
  /** Pushes that found the queue full, oldest first, with what tells each caller it is in line. */
  const parked: { key: string; task: () => Promise<void>; queued(): void }[] = [];
  let running = 0;
  const yielding = opts.yielding ?? (() => false);
  const whileYielding = Math.min(concurrency, opts.whileYielding ?? concurrency);
  // A full queue makes the callers wait on the tasks: then they run at full strength whatever
  // else is going on, or the waiting would only grow.
  const limit = () => (parked.length === 0 && yielding() ? whileYielding : concurrency);

  async function slot(): Promise<void> {
    if (running < limit()) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  function release(): void {
    running--;
    resume();
  }
  /** Starts waiting tasks, oldest first, up to the current limit (which may have gone up). */
  function resume(): void {
    while (waiting.length > 0 && running < limit()) {
      running++;
      waiting.shift()!();
    }
  }

  function enqueue(key: string, task: () => Promise<void>): void {
    const previous = chains.get(key) ?? Promise.resolve();
    const run = previous.then(async () => {
      await slot();
      try {
        await task();
      } finally {
        release();
      }
    });
    chains.set(key, run);
    inflight.add(run);
    void run.finally(() => {
      inflight.delete(run);
      if (chains.get(key) === run) chains.delete(key);
      // Synchronously, in arrival order: a later push can never overtake a parked one.
      while (parked.length > 0 && inflight.size < capacity) {
        const next = parked.shift()!;
        enqueue(next.key, next.task);
        next.queued();
      }
    });
  }

  return {
    /**
     * Puts `task` in line behind its key's earlier tasks; resolves once it is (at once unless the
     * queue is full). `task` must not reject; its failures are the caller's to record.
     */
    push(key: string, task: () => Promise<void>): Promise<void> {
      if (parked.length === 0 && inflight.size < capacity) {
        enqueue(key, task);
        return Promise.resolve();
      }
      return new Promise<void>((queued) => {
        parked.push({ key, task, queued });
        resume();
      });
    },
    /** Call when `yielding` may have turned false: tasks held back start again. */
    resume,
    /** Tasks waiting or running, and pushes still waiting for room. */
    get size(): number {
      return inflight.size + parked.length;
    },
    /** Resolves once every task pushed so far, and any they pushed, has finished. */
    async settled(): Promise<void> {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
  };
}
