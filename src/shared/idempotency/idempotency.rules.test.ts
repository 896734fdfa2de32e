import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { AppError, defineErrors } from "../errors";
import { problemOf } from "../http/problem";
import { canonicalJson, createIdempotencyService, requestHash } from "./idempotency.service";
import { idempotencyKeys } from "./idempotency.table";

// Idempotency-Key rules mutation testing found unpinned (issue 20): which refusals are kept
// for replay, the default time limits to the millisecond, and what counts as the same request.

const TestErrors = defineErrors({
  unprocessable: { code: "test.unprocessable", status: 422, title: "Unprocessable" },
  slowDown: { code: "test.slow_down", status: 429, title: "Too many requests" },
  failed: { code: "test.failed", status: 500, title: "Failed" },
});

const DAY_MS = 86_400_000;

describe("what counts as the same request", () => {
  it("keys are sorted, undefined fields dropped, and nothing else changed", () => {
    expect(canonicalJson({ b: 1, a: undefined, c: [undefined, null], B: 2 })).toBe(
      '{"B":2,"b":1,"c":[null,null]}',
    );
    expect(canonicalJson(undefined)).toBe("null");
    expect(canonicalJson("x")).toBe('"x"');
    expect(canonicalJson({ "a|b": { z: 1, y: 2 } })).toBe('{"a|b":{"y":2,"z":1}}');
    expect(canonicalJson({ aa: 1, a: 2, b: 3 })).toBe('{"a":2,"aa":1,"b":3}');
    expect(canonicalJson(null)).toBe("null");
    expect(canonicalJson([])).toBe("[]");
    expect(canonicalJson({})).toBe("{}");
  });

  it("hashes to the SHA-256 of that text, in hex", () => {
    expect(requestHash({})).toBe("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    expect(requestHash({ a: 1, b: undefined })).toBe(requestHash({ a: 1 }));
  });
});

describe("idempotency keys: refusals, limits and replays", () => {
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
  const rows = () => ctx().deps.db.select().from(idempotencyKeys);
  const ok = (body: unknown) => async () => ({ status: 200, body });

  it("a 429 or a 500 releases the key so the retry runs; a 422 is kept and replayed", async () => {
    const idem = service();
    for (const [key, error] of [
      ["k429", TestErrors.slowDown()],
      ["k500", TestErrors.failed()],
    ] as const) {
      await expect(idem.run(call(key), async () => Promise.reject(error))).rejects.toBe(error);
      expect(await idem.run(call(key), ok("retried"))).toMatchObject({ body: "retried", replayed: false });
    }
    await expect(
      idem.run(call("k422"), async () => Promise.reject(TestErrors.unprocessable())),
    ).rejects.toThrow();
    expect(await idem.run(call("k422"), ok("never"))).toMatchObject({
      status: 422,
      replayed: true,
      body: { code: "test.unprocessable", status: 422 },
    });
  });

  it("runAtomic: a 429 or a 500 from prepare or write releases the key; a 422 is kept", async () => {
    const idem = service();
    const write = (body: unknown) => async () => ({ status: 201, body });
    await expect(
      idem.runAtomic(call("a429"), async () => Promise.reject(TestErrors.slowDown()), write(1)),
    ).rejects.toThrow(AppError);
    await expect(
      idem.runAtomic(
        call("a500"),
        async () => 1,
        async () => Promise.reject(TestErrors.failed()),
      ),
    ).rejects.toThrow(AppError);
    await expect(
      idem.runAtomic(
        call("w429"),
        async () => 1,
        async () => Promise.reject(TestErrors.slowDown()),
      ),
    ).rejects.toThrow(AppError);
    expect(await rows()).toEqual([]);
    expect(await idem.runAtomic(call("a429"), async () => 1, write("ran"))).toMatchObject({
      status: 201,
      body: "ran",
      replayed: false,
    });

    await expect(
      idem.runAtomic(call("p422"), async () => Promise.reject(TestErrors.unprocessable()), write(1)),
    ).rejects.toThrow(AppError);
    expect(await idem.runAtomic(call("p422"), async () => 1, write("never"))).toMatchObject({
      status: 422,
      replayed: true,
    });
  });

  it("a key is remembered for 24 hours to the millisecond", async () => {
    const idem = service();
    await idem.run(call("k1", { a: 1 }), ok(1));
    ctx().clock.advance(DAY_MS - 1);
    await expect(idem.run(call("k1", { a: 2 }), ok(2))).rejects.toMatchObject({
      code: "request.idempotency_key_reused",
    });
    expect(await idem.purgeExpired()).toBe(0);
    ctx().clock.advance(1);
    expect(await idem.purgeExpired()).toBe(0);
    ctx().clock.advance(1);
    expect(await idem.purgeExpired()).toBe(1);
    expect(await rows()).toEqual([]);
  });

  it("a claim left by a dead process is taken over after 60 s, not a millisecond before", async () => {
    const now = ctx().clock.now();
    await ctx()
      .deps.db.insert(idempotencyKeys)
      .values({
        userId: "usr_1",
        scope: "test.scope",
        key: "dead",
        requestHash: requestHash({ a: 1 }),
        createdAt: now,
        lockedAt: now,
      });
    const idem = service({ waitMs: 60 });
    ctx().clock.advance(59_999);
    await expect(idem.run(call("dead"), ok("early"))).rejects.toMatchObject({
      code: "request.idempotency_key_in_progress",
    });
    await expect(idem.runAtomic(call("dead"), async () => 1, ok("early"))).rejects.toMatchObject({
      code: "request.idempotency_key_in_progress",
    });
    ctx().clock.advance(1);
    expect(await idem.run(call("dead"), ok("took over"))).toMatchObject({
      body: "took over",
      replayed: false,
    });
  });

  it("runAtomic takes over a dead process's claim after its lock timeout and runs once", async () => {
    const now = ctx().clock.now();
    await ctx()
      .deps.db.insert(idempotencyKeys)
      .values({
        userId: "usr_1",
        scope: "test.scope",
        key: "dead-atomic",
        requestHash: requestHash({ a: 1 }),
        createdAt: now,
        lockedAt: now,
      });
    ctx().clock.advance(60_000);
    let runs = 0;
    const idem = service();
    const first = await idem.runAtomic(
      call("dead-atomic"),
      async () => 1,
      async () => ({ status: 201, body: ++runs }),
    );
    expect(first).toMatchObject({ status: 201, body: 1, replayed: false });
    const again = await idem.runAtomic(
      call("dead-atomic"),
      async () => 1,
      async () => ({ status: 201, body: ++runs }),
    );
    expect(again).toMatchObject({ status: 201, body: 1, bodyText: "1", replayed: true });
    expect(runs).toBe(1);
  });

  it("a key is the user's and the scope's own", async () => {
    const idem = service();
    await idem.run(call("shared", { a: 1 }), ok("first"));
    const otherScope = await idem.run({ ...call("shared", { a: 2 }), scope: "test.other" }, ok("second"));
    const otherUser = await idem.run({ ...call("shared", { a: 3 }), userId: "usr_2" }, ok("third"));
    expect([otherScope.body, otherUser.body]).toEqual(["second", "third"]);
    expect(await rows()).toHaveLength(3);
  });

  it("answers without a key exactly what the handler returned, as text too", async () => {
    const idem = service();
    expect(await idem.run(call(undefined), async () => ({ status: 202, body: { x: [1] } }))).toEqual({
      status: 202,
      body: { x: [1] },
      bodyText: '{"x":[1]}',
      replayed: false,
    });
    expect(
      await idem.runAtomic(
        call(undefined),
        async () => 2,
        async (_tx, p) => ({ status: 201, body: p }),
      ),
    ).toEqual({
      status: 201,
      body: 2,
      bodyText: "2",
      replayed: false,
    });
    expect(await rows()).toEqual([]);
  });

  it("stores the answer with its completion time", async () => {
    const idem = service();
    const first = await idem.run(call("k-stored"), async () => ({ status: 201, body: { id: 7 } }));
    expect(first).toEqual({ status: 201, body: { id: 7 }, bodyText: '{"id":7}', replayed: false });
    const [row] = await rows();
    expect(row).toMatchObject({
      responseStatus: 201,
      responseBody: '{"id":7}',
      completedAt: ctx().clock.now(),
      lockedAt: ctx().clock.now(),
    });
  });
});
