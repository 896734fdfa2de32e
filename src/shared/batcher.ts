/**
 * Group commit (device reports, the Telegram update log). Writes submitted in the same turn of
 * the event loop, or while earlier batches are in flight, go out together as one statement, so
 * under load the database sees a few statements per hundred writes instead of one each, while
 * a lone write still goes out within a turn. Every caller is answered only after its batch has
 * committed.
 *
 * Why a turn and not "at once": embedded PGlite runs each statement synchronously on this
 * thread, so nothing else arrives while a batch is "in flight". Waiting for the event loop's
 * check phase lets every request already readable on a socket join the batch first.
 */
export class Batcher<I, O> {
  private readonly queue: { item: I; resolve(o: O): void; reject(e: unknown): void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    /** Items with the same key never share a batch (one statement may touch a row only once). */
    private readonly keyOf: (item: I) => string,
    private readonly opts: { maxBatch: number; maxInFlight: number },
  ) {}

  submit(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.opts.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      this.run(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }

  /** The oldest items with distinct keys, up to maxBatch; the rest keep their place in line. */
  private take() {
    const keys = new Set<string>();
    const batch: typeof this.queue = [];
    const rest: typeof this.queue = [];
    for (const entry of this.queue) {
      const key = this.keyOf(entry.item);
      if (batch.length < this.opts.maxBatch && !keys.has(key)) {
        keys.add(key);
        batch.push(entry);
      } else rest.push(entry);
    }
    this.queue.splice(0, this.queue.length, ...rest);
    return batch;
  }

  private async run(batch: typeof this.queue): Promise<void> {
    try {
      const results = await this.write(batch.map((e) => e.item));
      for (const [i, e] of batch.entries()) e.resolve(results[i]!);
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      // One bad report must not fail its neighbours: write each alone to find it.
      await Promise.all(batch.map((e) => this.write([e.item]).then(([o]) => e.resolve(o!), e.reject)));
    }
  }
}
