import { describe, expect, it } from "vitest";
import { createKeyedQueue } from "./telegram.queue";

/** A promise the test settles by hand: a handler that blocks until told to go on. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** Lets every promise callback already due run (the queue moves on in microtasks). */
const settleMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("the handlers' queue", () => {
  it("runs one person's tasks one after another, in the order they came", async () => {
    const queue = createKeyedQueue(8);
    const log: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const task = (name: string) => async () => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      log.push(`start ${name}`);
      await settleMicrotasks();
      log.push(`end ${name}`);
      running--;
    };
    for (const name of ["a1", "a2", "a3", "a4"]) await queue.push("user:1", task(name));
    await queue.settled();
    expect(mostAtOnce).toBe(1);
    expect(log).toEqual(["a1", "a2", "a3", "a4"].flatMap((n) => [`start ${n}`, `end ${n}`]));
  });

  it("a person whose handler is stuck holds back only their own updates", async () => {
    const queue = createKeyedQueue(8);
    const stuck = gate();
    const done: string[] = [];
    await queue.push("user:ada", async () => {
      await stuck.opened;
      done.push("ada first");
    });
    await queue.push("user:ada", async () => {
      done.push("ada second");
    });
    await queue.push("user:bob", async () => {
      done.push("bob");
    });
    await settleMicrotasks();
    // Bob was handled while Ada's first update is still being handled, and her second waits for it.
    expect(done).toEqual(["bob"]);
    stuck.open();
    await queue.settled();
    expect(done).toEqual(["bob", "ada first", "ada second"]);
  });

  it("runs at most `concurrency` tasks at once across people", async () => {
    const queue = createKeyedQueue(3);
    const release = gate();
    let running = 0;
    let mostAtOnce = 0;
    for (let i = 0; i < 10; i++) {
      await queue.push(`user:${i}`, async () => {
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        await release.opened;
        running--;
      });
    }
    await settleMicrotasks();
    expect(running).toBe(3);
    release.open();
    await queue.settled();
    expect(mostAtOnce).toBe(3);
  });

  it("a full queue makes the next push wait for room, and waiting pushes keep their order", async () => {
    const queue = createKeyedQueue(1, 2);
    const first = gate();
    const order: string[] = [];
    const record = (name: string) => async () => {
      order.push(name);
    };
    await queue.push("user:ada", async () => {
      await first.opened;
      order.push("ada 1");
    });
    await queue.push("user:bob", record("bob 1"));
    expect(queue.size).toBe(2);

    let inLine = 0;
    const parked = [
      queue.push("user:ada", record("ada 2")).then(() => inLine++),
      queue.push("user:bob", record("bob 2")).then(() => inLine++),
      queue.push("user:ada", record("ada 3")).then(() => inLine++),
    ];
    await settleMicrotasks();
    // Nothing beyond the capacity was taken: the callers are still waiting.
    expect(inLine).toBe(0);
    expect(queue.size).toBe(5);

    first.open();
    await Promise.all(parked);
    await queue.settled();
    expect(inLine).toBe(3);
    expect(order.filter((n) => n.startsWith("ada"))).toEqual(["ada 1", "ada 2", "ada 3"]);
    expect(order.filter((n) => n.startsWith("bob"))).toEqual(["bob 1", "bob 2"]);
    expect(queue.size).toBe(0);
  });

  describe("acknowledgements first", () => {
    /** Ten people's tasks that block until `release` opens; how many run now, and the most at once. */
    async function pushTen(queue: ReturnType<typeof createKeyedQueue>, release: ReturnType<typeof gate>) {
      const seen = { running: 0, mostAtOnce: 0 };
      for (let i = 0; i < 10; i++) {
        await queue.push(`user:${i}`, async () => {
          seen.running++;
          seen.mostAtOnce = Math.max(seen.mostAtOnce, seen.running);
          await release.opened;
          seen.running--;
        });
      }
      await settleMicrotasks();
      return seen;
    }

    it("while the intake is busy acknowledging, only `whileYielding` tasks start; the rest once it is not", async () => {
      let busy = true;
      const queue = createKeyedQueue(8, Number.POSITIVE_INFINITY, { yielding: () => busy, whileYielding: 2 });
      const release = gate();
      const seen = await pushTen(queue, release);
      expect(seen.running).toBe(2);
      busy = false;
      queue.resume();
      await settleMicrotasks();
      expect(seen.running).toBe(8);
      release.open();
      await queue.settled();
      expect(seen.mostAtOnce).toBe(8);
    });

    it("tasks already running finish when it turns busy; no new one starts beyond the lower limit", async () => {
      let busy = false;
      const queue = createKeyedQueue(4, Number.POSITIVE_INFINITY, { yielding: () => busy, whileYielding: 1 });
      const gates = Array.from({ length: 6 }, () => gate());
      const started: number[] = [];
      for (const [i, g] of gates.entries())
        await queue.push(`user:${i}`, async () => {
          started.push(i);
          await g.opened;
        });
      await settleMicrotasks();
      expect(started).toEqual([0, 1, 2, 3]);
      busy = true;
      for (const g of gates.slice(0, 3)) g.open();
      await settleMicrotasks();
      // Three finished, one still runs: at the lower limit of 1 nothing more may start.
      expect(started).toEqual([0, 1, 2, 3]);
      gates[3]!.open();
      await settleMicrotasks();
      expect(started).toEqual([0, 1, 2, 3, 4]);
      for (const g of gates) g.open();
      await queue.settled();
      expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    });

    it("when the limit goes up while tasks run (the backlog grew past the yielding bound), the next one to finish lets all that may start", async () => {
      let busy = true;
      const queue = createKeyedQueue(4, Number.POSITIVE_INFINITY, { yielding: () => busy, whileYielding: 1 });
      const gates = Array.from({ length: 6 }, () => gate());
      const started: number[] = [];
      for (const [i, g] of gates.entries())
        await queue.push(`user:${i}`, async () => {
          started.push(i);
          await g.opened;
        });
      await settleMicrotasks();
      expect(started).toEqual([0]);
      busy = false;
      gates[0]!.open();
      await settleMicrotasks();
      expect(started).toEqual([0, 1, 2, 3, 4]);
      for (const g of gates) g.open();
      await queue.settled();
      expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    });

    it("a full queue runs at full strength even while busy, or the waiting acknowledgements would never end", async () => {
      const queue = createKeyedQueue(4, 6, { yielding: () => true, whileYielding: 1 });
      const release = gate();
      const seen = { running: 0 };
      const task = async () => {
        seen.running++;
        await release.opened;
        seen.running--;
      };
      for (let i = 0; i < 6; i++) await queue.push(`user:${i}`, task);
      await settleMicrotasks();
      expect(seen.running).toBe(1);
      const parked = queue.push("user:6", task);
      await settleMicrotasks();
      expect(seen.running).toBe(4);
      release.open();
      await parked;
      await queue.settled();
    });
  });
});
