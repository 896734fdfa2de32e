/**
 * Runs tasks one after another per key (a person's updates keep their order: "add device" must
 * be handled before the name that answers it) and at most `concurrency` tasks at once overall,
 * so a burst of updates cannot exhaust the database pool.
 */
export function createKeyedQueue(concurrency: number) {
  const chains = new Map<string, Promise<void>>();
  const inflight = new Set<Promise<void>>();
  const waiting: (() => void)[] = [];
  let running = 0;

  async function slot(): Promise<void> {
    if (running < concurrency) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }

  return {
    /** `task` must not reject; its failures are the caller's to record. */
    push(key: string, task: () => Promise<void>): void {
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
      });
    },
    get size(): number {
      return inflight.size;
    },
    /** Resolves once every task pushed so far, and any they pushed, has finished. */
    async settled(): Promise<void> {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
  };
}
