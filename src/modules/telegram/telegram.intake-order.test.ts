import type { Update } from "grammy/types";
import { Counter } from "prom-client";
import { describe, expect, it } from "vitest";
import { chatUpdates, person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { createUpdateIntake } from "./telegram.intake";

/** A promise the test settles by hand: a handler that blocks until told to go on. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

const CHANNEL = { id: -100_777, type: "channel" as const, title: "Signals VIP" };

type IntakeOptions = Partial<
  Pick<Parameters<typeof createUpdateIntake>[0], "db" | "maxQueued" | "concurrency" | "burst">
>;

/** An intake of its own on the test app's database (or `opts.db`), handling with `handle`. */
function intakeOf(
  t: ReturnType<typeof useTelegramApp>,
  handle: (update: Update) => Promise<void>,
  opts: IntakeOptions = {},
) {
  const deps = t.ctx().deps;
  return createUpdateIntake({
    clock: t.ctx().clock,
    logger: deps.logger,
    rateLimiter: deps.rateLimiter,
    updatesTotal: new Counter({
      name: "intake_test_updates",
      help: "-",
      labelNames: ["kind", "status"],
      registers: [],
    }),
    botUsername: "bot",
    handle,
    slowDown: async () => {},
    ...opts,
    db: opts.db ?? deps.db,
  });
}

/**
 * The intake handles different people's updates at the same time and one person's strictly one
 * after another, whatever their kind: a handler that blocks on one person (a slow payment
 * provider, a stuck query) holds back nobody else, and none of that person's later updates.
 */
describe("updates handled concurrently across people, in order per person", () => {
  const t = useTelegramApp();

  const intakeWith = (handle: (update: Update) => Promise<void>, opts: IntakeOptions = {}) =>
    intakeOf(t, handle, { concurrency: 4, ...opts });

  it("one person's updates of every kind wait for their earlier one while another person's are handled", async () => {
    const ada = person();
    const bob = person();
    const adaStuck = gate();
    const started: number[] = [];
    const finished: number[] = [];
    let adaRunning = 0;
    let adaMostAtOnce = 0;
    const adas = new Set<number>();
    const intake = intakeWith(async (update) => {
      started.push(update.update_id);
      const isAda = adas.has(update.update_id);
      if (isAda) adaMostAtOnce = Math.max(adaMostAtOnce, ++adaRunning);
      if (update.update_id === adaFirst.update_id) await adaStuck.opened;
      if (isAda) adaRunning--;
      finished.push(update.update_id);
    });

    const adaFirst = updates.message(ada, "/shop");
    // Her button, join request, pre-checkout and the payment that follows it: all behind /shop.
    const adaLater = [
      updates.callback(ada, "shop:vip"),
      chatUpdates.joinRequest(CHANNEL, ada),
      updates.preCheckout(ada, "ord_1", 500),
      updates.payment(ada, "ord_1", 500, "charge_1"),
    ];
    const bobs = [updates.message(bob, "/help"), updates.callback(bob, "menu:status")];
    for (const u of [adaFirst, ...adaLater]) adas.add(u.update_id);
    for (const u of [adaFirst, bobs[0]!, ...adaLater, bobs[1]!])
      expect(await intake.accept(u)).toBe("accepted");

    // Bob is answered while Ada's first update is still being handled; none of her later ones started.
    await expect.poll(() => finished).toEqual(bobs.map((u) => u.update_id));
    expect(started).not.toContain(adaLater[0]!.update_id);

    adaStuck.open();
    await intake.settled();
    expect(finished.filter((id) => adas.has(id))).toEqual([adaFirst, ...adaLater].map((u) => u.update_id));
    expect(adaMostAtOnce).toBe(1);
  });

  it("an acknowledgement waits while the queue is full, and the update is handled once there is room", async () => {
    const stuck = gate();
    const handled: number[] = [];
    const intake = intakeWith(
      async (update) => {
        if (handled.length === 0) await stuck.opened;
        handled.push(update.update_id);
      },
      { maxQueued: 2 },
    );
    const [a, b, c] = [person(), person(), person()];
    expect(await intake.accept(updates.message(a, "one"))).toBe("accepted");
    expect(await intake.accept(updates.message(b, "two"))).toBe("accepted");
    let answered = false;
    const third = updates.message(c, "three");
    const accepting = intake.accept(third).then((r) => {
      answered = true;
      return r;
    });
    await expect.poll(() => intake.pending).toBe(3);
    expect(answered).toBe(false);
    stuck.open();
    expect(await accepting).toBe("accepted");
    await intake.settled();
    expect(handled).toContain(third.update_id);
    expect(handled).toHaveLength(3);
  });
});

describe("handlers yield to a burst of acknowledgements", () => {
  const t = useTelegramApp();

  /** Accepts `n` updates from different people one at a time; how many handlers ran at once. */
  async function oneAtATime(burst: { windowMs: number; busyAt: number }, n: number) {
    const go = gate();
    let running = 0;
    let most = 0;
    const intake = intakeOf(
      t,
      async () => {
        most = Math.max(most, ++running);
        await go.opened;
        running--;
      },
      { burst },
    );
    // One under way at a time: never ACKNOWLEDGEMENTS_BUSY at once, only many in a row.
    for (let i = 0; i < n; i++) expect(await intake.accept(updates.message(person(), "hi"))).toBe("accepted");
    await new Promise((r) => setTimeout(r, 50));
    const mostBeforeGo = most;
    go.open();
    await intake.settled();
    return { mostBeforeGo, handled: running === 0 };
  }

  it("many acknowledgements in a row hold the handlers back, though few are under way at once", async () => {
    const { mostBeforeGo, handled } = await oneAtATime({ windowMs: 60_000, busyAt: 10 }, 30);
    // The first ones start before the burst is seen; from then on none while 4 or more run.
    expect(mostBeforeGo).toBeLessThanOrEqual(10);
    expect(handled).toBe(true);
  });

  it("below the burst's rate every handler starts at once", async () => {
    const { mostBeforeGo } = await oneAtATime({ windowMs: 60_000, busyAt: 1_000 }, 30);
    expect(mostBeforeGo).toBe(30);
  });
});

describe("the update log under a burst", () => {
  const t = useTelegramApp();

  it("a burst of 30 people's updates costs a handful of log statements, not three per update", async () => {
    const deps = t.ctx().deps;
    const statements = { execute: 0 };
    // Every log write (acknowledgements, claims, outcomes) goes through `execute`.
    const counting = new Proxy(deps.db, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop === "execute") {
          return (...args: unknown[]) => {
            statements[prop]++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const handled: number[] = [];
    const intake = intakeOf(
      t,
      async (update) => {
        handled.push(update.update_id);
      },
      { db: counting, concurrency: 16 },
    );
    const burst = Array.from({ length: 30 }, () => updates.message(person(), "/help"));
    expect(new Set(await Promise.all(burst.map((u) => intake.accept(u))))).toEqual(new Set(["accepted"]));
    await intake.settled();
    expect(handled.sort()).toEqual(burst.map((u) => u.update_id).sort());
    // One insert for the 30 acknowledgements; claims and outcomes go out 16 (the concurrency) at a time.
    expect(statements.execute).toBeLessThanOrEqual(7);
  });
});
