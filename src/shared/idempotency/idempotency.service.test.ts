import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import type { Executor } from "../../db/client";
import { AppError, defineErrors } from "../errors";
import { problemOf } from "../http/problem";
import { canonicalJson, createIdempotencyService, requestHash } from "./idempotency.service";
import { idempotencyKeys } from "./idempotency.table";

const TestErrors = defineErrors({
  gone: { code: "test.gone", status: 410, title: "Gone" },
  broken: { code: "test.broken", status: 503, title: "Broken" },
});

/** A test app and what both suites use on it. */
function useIdempotency() {
  const ctx = useTestApp();
  const service = (opts: Partial<Parameters<typeof createIdempotencyService>[0]> = {}) =>
    createIdempotencyService({ db: ctx().deps.db, clock: ctx().clock, ...opts });
  const call = (key: string | undefined, request: unknown = { a: 1 }) => ({
    userId: "usr_1",
    scope: "test.scope",
    key,
    request,
    refusalBody: (error: AppError) => problemOf(error, "req-1"),
  });
  /** The claim a process leaves when it dies between taking a key and storing the answer. */
  const claimLeftByDeadProcess = async (key: string) => {
    const now = ctx().clock.now();
    await ctx()
      .deps.db.insert(idempotencyKeys)
      .values({
        userId: "usr_1",
        scope: "test.scope",
        key,
        requestHash: requestHash({ a: 1 }),
        createdAt: now,
        lockedAt: now,
      });
  };
  return { ctx, service, call, claimLeftByDeadProcess };
}

describe("idempotency keys", () => {
  const { ctx, service, call, claimLeftByDeadProcess } = useIdempotency();

  it("hashes requests by content, whatever the key order", () => {
    expect(canonicalJson({ b: [1, { d: 2, c: 3 }], a: "x" })).toBe('{"a":"x","b":[1,{"c":3,"d":2}]}');
    // Neither in nor against the order given: keys come out sorted whatever order they went in.
    expect(canonicalJson({ b: 2, c: 3, a: 1, e: 5, d: 4 })).toBe('{"a":1,"b":2,"c":3,"d":4,"e":5}');
    expect(requestHash({ a: 1, b: 2 })).toBe(requestHash({ b: 2, a: 1 }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
  });

  it("runs the handler once and replays its status and body to every repeat", async () => {
    const idem = service();
    let runs = 0;
    const handler = async () => ({ status: 201, body: { n: ++runs } });
    const first = await idem.run(call("k1"), handler);
    const second = await idem.run(call("k1"), handler);
    expect(first).toMatchObject({ status: 201, body: { n: 1 }, replayed: false });
    expect(second).toMatchObject({ status: 201, body: { n: 1 }, bodyText: '{"n":1}', replayed: true });
    expect(runs).toBe(1);
  });

  it("runs every request without a key", async () => {
    const idem = service();
    let runs = 0;
    await idem.run(call(undefined), async () => ({ status: 200, body: ++runs }));
    await idem.run(call(undefined), async () => ({ status: 200, body: ++runs }));
    expect(runs).toBe(2);
  });

  it("refuses the same key with a different request", async () => {
    const idem = service();
    await idem.run(call("k2", { a: 1 }), async () => ({ status: 200, body: {} }));
    const error = await idem
      .run(call("k2", { a: 2 }), async () => ({ status: 200, body: {} }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: "request.idempotency_key_reused",
      status: 409,
      detail: "This Idempotency-Key was used with a different request",
    });
  });

  it("stores a client error for replay but releases the key after a server error", async () => {
    const idem = service();
    await expect(idem.run(call("k3"), async () => Promise.reject(TestErrors.gone()))).rejects.toThrow();
    const replay = await idem.run(call("k3"), async () => ({ status: 200, body: {} }));
    expect(replay).toMatchObject({
      status: 410,
      replayed: true,
      body: { code: "test.gone", requestId: "req-1" },
    });

    await expect(idem.run(call("k4"), async () => Promise.reject(TestErrors.broken()))).rejects.toThrow();
    await expect(idem.run(call("k5"), async () => Promise.reject(new Error("db down")))).rejects.toThrow();
    const retried = await idem.run(call("k4"), async () => ({ status: 200, body: { ok: true } }));
    expect(retried).toMatchObject({ status: 200, replayed: false });
    expect(await ctx().deps.db.select().from(idempotencyKeys)).toHaveLength(2);
  });

  it("makes a concurrent repeat wait for the first request and replay its answer", async () => {
    const idem = service();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let runs = 0;
    const slow = async () => {
      runs += 1;
      await gate;
      return { status: 201, body: { id: "first" } };
    };
    const first = idem.run(call("k6"), slow);
    await new Promise((r) => setTimeout(r, 20));
    const repeat = idem.run(call("k6"), slow);
    setTimeout(release, 30);
    expect(await repeat).toMatchObject({ status: 201, body: { id: "first" }, replayed: true });
    expect((await first).replayed).toBe(false);
    expect(runs).toBe(1);
  });

  it("answers 409 in_progress when the first request outlasts the wait", async () => {
    const idem = service({ waitMs: 50 });
    let release!: () => void;
    const first = idem.run(
      call("k7"),
      () => new Promise((r) => (release = () => r({ status: 200, body: {} }))),
    );
    await new Promise((r) => setTimeout(r, 10));
    const error = await idem.run(call("k7"), async () => ({ status: 200, body: {} })).catch((e) => e);
    expect(error).toMatchObject({
      code: "request.idempotency_key_in_progress",
      status: 409,
      title: "A request with this Idempotency-Key is still being processed",
    });
    release();
    await first;
  });

  it("lets a later request take over a claim whose process died mid-request", async () => {
    const idem = service({ lockTimeoutMs: 60_000 });
    await claimLeftByDeadProcess("k8");
    ctx().clock.advance(60_000);
    const result = await idem.run(call("k8"), async () => ({ status: 201, body: { took: "over" } }));
    expect(result).toMatchObject({ status: 201, replayed: false });
  });

  it("forgets keys after 24 hours, so the key may then be used for something new", async () => {
    const idem = service();
    await idem.run(call("k9", { a: 1 }), async () => ({ status: 200, body: 1 }));
    ctx().clock.advance(86_400_000);
    const reused = await idem.run(call("k9", { a: 2 }), async () => ({ status: 200, body: 2 }));
    expect(reused).toMatchObject({ body: 2, replayed: false });
    ctx().clock.advance(86_400_001);
    expect(await idem.purgeExpired()).toBe(1);
    expect(await ctx().deps.db.select().from(idempotencyKeys)).toEqual([]);
  });
});

describe("idempotency keys over writes (runAtomic)", () => {
  const { ctx, service, call, claimLeftByDeadProcess } = useIdempotency();

  /** The handler's effect: a row of its own (a different scope), written over the executor given. */
  const effect = (tx: Executor, name: string) =>
    tx.insert(idempotencyKeys).values({
      userId: "usr_1",
      scope: "test.effect",
      key: name,
      requestHash: "-",
      createdAt: ctx().clock.now(),
      lockedAt: ctx().clock.now(),
    });
  const rows = (scope: string) =>
    ctx().deps.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.scope, scope));

  it("commits the writes and the stored response together, and replays without running again", async () => {
    const idem = service();
    let writes = 0;
    const write = async (tx: Executor, n: number) => {
      writes++;
      await effect(tx, `e${n}`);
      return { status: 201, body: { n } };
    };
    let prepared = 0;
    const prepare = (n: number) => async () => {
      prepared++;
      return n;
    };
    const first = await idem.runAtomic(call("a1"), prepare(7), write);
    const second = await idem.runAtomic(call("a1"), prepare(8), write);
    // A repeat looks before it prepares: the stored answer is replayed without reading again.
    expect(prepared).toBe(1);
    expect(first).toMatchObject({ status: 201, body: { n: 7 }, replayed: false });
    expect(second).toMatchObject({ status: 201, body: { n: 7 }, bodyText: '{"n":7}', replayed: true });
    expect(writes).toBe(1);
    expect((await rows("test.effect")).map((r) => r.key)).toEqual(["e7"]);
    expect(await rows("test.scope")).toMatchObject([{ key: "a1", responseStatus: 201 }]);
  });

  it("leaves neither the writes nor the claim when the request dies after writing, so a retry runs once", async () => {
    // What a crash between the handler's commit and storing its response did with `run`:
    // here the writes are not visible until the response is, so nothing half-done remains.
    const idem = service();
    const dying = idem.runAtomic(
      call("a2"),
      async () => 1,
      async (tx) => {
        await effect(tx, "lost");
        throw new Error("process killed");
      },
    );
    await expect(dying).rejects.toThrow("process killed");
    expect(await rows("test.effect")).toEqual([]);
    expect(await rows("test.scope")).toEqual([]);
    const retried = await idem.runAtomic(
      call("a2"),
      async () => 1,
      async (tx) => {
        await effect(tx, "kept");
        return { status: 201, body: { ok: true } };
      },
    );
    expect(retried).toMatchObject({ status: 201, replayed: false });
    expect((await rows("test.effect")).map((r) => r.key)).toEqual(["kept"]);
  });

  it("stores a client error from prepare or write for replay, undoing the writes", async () => {
    const idem = service();
    await expect(
      idem.runAtomic(
        call("a3"),
        () => Promise.reject(TestErrors.gone()),
        async () => ({ status: 201, body: {} }),
      ),
    ).rejects.toThrow();
    await expect(
      idem.runAtomic(
        call("a4"),
        async () => 1,
        async (tx) => {
          await effect(tx, "undone");
          throw TestErrors.gone();
        },
      ),
    ).rejects.toThrow();
    expect(await rows("test.effect")).toEqual([]);
    for (const key of ["a3", "a4"]) {
      const replay = await idem.runAtomic(
        call(key),
        async () => 1,
        async () => ({ status: 201, body: {} }),
      );
      expect(replay).toMatchObject({ status: 410, replayed: true, body: { code: "test.gone" } });
    }
    await expect(
      idem.runAtomic(
        call("a5"),
        () => Promise.reject(TestErrors.broken()),
        async () => ({ status: 201, body: {} }),
      ),
    ).rejects.toThrow();
    expect(
      await idem.runAtomic(
        call("a5"),
        async () => 1,
        async () => ({ status: 200, body: 1 }),
      ),
    ).toMatchObject({
      status: 200,
      replayed: false,
    });
  });

  it("runs concurrent repeats of one key once, and every repeat gets the first response", async () => {
    const idem = service();
    let writes = 0;
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        idem.runAtomic(
          call("a6"),
          async () => i,
          async (tx, n) => {
            writes++;
            await effect(tx, `c${n}`);
            return { status: 201, body: { n } };
          },
        ),
      ),
    );
    expect(writes).toBe(1);
    expect(await rows("test.effect")).toHaveLength(1);
    expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
  });

  it("refuses the key with a different request, and takes over a dead process's claim left by run", async () => {
    const idem = service({ lockTimeoutMs: 60_000 });
    await idem.runAtomic(
      call("a7", { a: 1 }),
      async () => 1,
      async () => ({ status: 201, body: {} }),
    );
    const reused = await idem
      .runAtomic(
        call("a7", { a: 2 }),
        async () => 1,
        async () => ({ status: 201, body: {} }),
      )
      .catch((e) => e);
    expect(reused.code).toBe("request.idempotency_key_reused");

    await claimLeftByDeadProcess("a8");
    ctx().clock.advance(60_000);
    const result = await idem.runAtomic(
      call("a8"),
      async () => 1,
      async () => ({ status: 201, body: { took: "over" } }),
    );
    expect(result).toMatchObject({ status: 201, body: { took: "over" }, replayed: false });
  });
});

describe("one claim protocol for run and runAtomic", () => {
  const { service, call, ctx } = useIdempotency();

  /** A handler held open until the test lets it finish; `started` resolves once it runs. */
  function heldHandler() {
    let finish!: (outcome: { status: number; body: unknown } | Error) => void;
    let markStarted!: () => void;
    const started = new Promise<void>((r) => {
      markStarted = r;
    });
    const handler = () => {
      markStarted();
      return new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        finish = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
      });
    };
    return { handler, started, finish: (o: Parameters<typeof finish>[0]) => finish(o) };
  }

  it("a request whose claim was taken over cannot release the claim of the request that took it over", async () => {
    const idem = service({ lockTimeoutMs: 60_000 });
    const slow = heldHandler();
    const first = idem.run(call("p1"), slow.handler);
    await slow.started;
    ctx().clock.advance(60_000);
    const takeover = heldHandler();
    const second = idem.run(call("p1"), takeover.handler);
    await takeover.started;

    slow.finish(TestErrors.broken());
    await expect(first).rejects.toThrow();

    // The second request still holds the key: a repeat waits for it instead of running again.
    let repeats = 0;
    const repeat = idem.run(call("p1"), async () => ({ status: 201, body: { by: "repeat", n: ++repeats } }));
    setTimeout(() => takeover.finish({ status: 201, body: { by: "second" } }), 30);
    expect(await second).toMatchObject({ body: { by: "second" }, replayed: false });
    expect(await repeat).toMatchObject({ body: { by: "second" }, replayed: true });
    expect(repeats).toBe(0);
  });

  it("a run whose stale claim runAtomic took over cannot overwrite the response runAtomic stored", async () => {
    const idem = service({ lockTimeoutMs: 60_000 });
    const slow = heldHandler();
    const first = idem.run(call("p2"), slow.handler);
    await slow.started;
    ctx().clock.advance(60_000);
    const atomic = await idem.runAtomic(
      call("p2"),
      async () => 1,
      async () => ({ status: 201, body: { by: "atomic" } }),
    );
    expect(atomic).toMatchObject({ body: { by: "atomic" }, replayed: false });

    slow.finish({ status: 201, body: { by: "slow run" } });
    expect(await first).toMatchObject({ body: { by: "slow run" }, replayed: false });

    const repeat = await idem.run(call("p2"), async () => ({ status: 201, body: { by: "repeat" } }));
    expect(repeat).toMatchObject({ body: { by: "atomic" }, bodyText: '{"by":"atomic"}', replayed: true });
  });
});
