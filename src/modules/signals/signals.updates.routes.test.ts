import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";
import { type SignedCall, signedInject } from "../../../test/support/signed";
import { auditLog } from "../audit/audit.table";

const BUY = {
  instrument: "EURUSD",
  side: "buy",
  orderType: "limit",
  entryPrice: 1.085,
  stopLoss: 1.08,
  takeProfit: 1.095,
};

/** POST /api/v1/signals/{id}/updates (API.md §10). */
describe("/api/v1/signals/{id}/updates", () => {
  const ctx = useTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: "100000" } });
  const admin = async () => (await createUser(ctx().deps, { admin: true })).headers;
  const publish = async (headers: Record<string, string>, payload: object = BUY) => {
    const res = await ctx().app.inject({ method: "POST", url: "/api/v1/signals", headers, payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };
  const update = (headers: Record<string, string>, id: string, payload: unknown) =>
    ctx().app.inject({
      method: "POST",
      url: `/api/v1/signals/${id}/updates`,
      headers,
      payload: payload as object,
    });
  const getSignal = async (headers: Record<string, string>, id: string) =>
    (await ctx().app.inject({ method: "GET", url: `/api/v1/signals/${id}`, headers })).json();

  async function producer(name = "trend-bot") {
    const res = await ctx().app.inject({
      method: "POST",
      url: "/api/v1/admin/producers",
      headers: await admin(),
      payload: { name },
    });
    const p = res.json() as { id: string; secret: string };
    const call = (c: SignedCall) =>
      signedInject(ctx().app, ctx().clock, { ...p, idHeader: "x-producer-id" }, c);
    return { ...p, call };
  }

  describe("happy path", () => {
    it("modifies the stop and target: 201 with seq 1, and the signal shows the latest SL/TP and its updates", async () => {
      const headers = await admin();
      const signal = await publish(headers);
      const res = await update(headers, signal.id, { action: "modify", stopLoss: 1.082, note: "tighter" });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toEqual({
        id: expect.stringMatching(/^upd_/),
        signalId: signal.id,
        seq: 1,
        action: "modify",
        stopLoss: 1.082,
        takeProfit: null,
        fraction: null,
        note: "tighter",
        externalId: null,
        createdAt: ctx().clock.now().toISOString(),
      });
      const second = await update(headers, signal.id, { action: "modify", takeProfit: 1.1 });
      expect(second.json().seq).toBe(2);
      const shown = await getSignal(headers, signal.id);
      expect(shown).toMatchObject({ stopLoss: 1.082, takeProfit: 1.1, positionStatus: "open" });
      expect(shown.updates.map((u: { seq: number }) => u.seq)).toEqual([1, 2]);
      const audit = await ctx().deps.db.select().from(auditLog);
      expect(audit.filter((a) => a.action === "signals.modify")).toHaveLength(2);
    });

    it("moves the stop to breakeven: a stop loss exactly at the entry price is accepted", async () => {
      const headers = await admin();
      const signal = await publish(headers);
      const res = await update(headers, signal.id, { action: "modify", stopLoss: 1.085 });
      expect(res.statusCode, res.body).toBe(201);
      const sell = await publish(headers, { ...BUY, side: "sell", stopLoss: 1.09, takeProfit: 1.08 });
      expect((await update(headers, sell.id, { action: "modify", stopLoss: 1.085 })).statusCode).toBe(201);
    });

    it("closes part, then all: the position is closed and later updates are refused with signals.closed", async () => {
      const headers = await admin();
      const signal = await publish(headers);
      const partial = await update(headers, signal.id, { action: "close_partial", fraction: 0.5 });
      expect(partial.statusCode).toBe(201);
      expect(partial.json()).toMatchObject({ action: "close_partial", fraction: 0.5, seq: 1 });
      const close = await update(headers, signal.id, { action: "close" });
      expect(close.statusCode).toBe(201);
      expect(await getSignal(headers, signal.id)).toMatchObject({ positionStatus: "closed" });
      const late = await update(headers, signal.id, { action: "modify", stopLoss: 1.081 });
      expect(late.statusCode).toBe(409);
      expect(late.json().code).toBe("signals.closed");
    });

    it("answers the same externalId and body with the first update (200) and does nothing again", async () => {
      const headers = await admin();
      const signal = await publish(headers);
      const body = { action: "modify", stopLoss: 1.081, externalId: "move-1" };
      const first = await update(headers, signal.id, body);
      const again = await update(headers, signal.id, { ...body, note: null });
      expect(first.statusCode).toBe(201);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(first.json());
      expect((await getSignal(headers, signal.id)).updates).toHaveLength(1);
    });

    it("a producer manages the signals it published, by signature", async () => {
      const p = await producer();
      const published = await p.call({ method: "POST", url: "/api/v1/signals", body: BUY });
      const id = published.json().id as string;
      const res = await p.call({
        method: "POST",
        url: `/api/v1/signals/${id}/updates`,
        body: { action: "close" },
      });
      expect(res.statusCode, res.body).toBe(201);
      const audit = await ctx().deps.db.select().from(auditLog);
      expect(audit.find((a) => a.action === "signals.close")).toMatchObject({
        actorKind: "producer",
        actorId: p.id,
      });
    });

    it("an admin manages a signal a producer published", async () => {
      const p = await producer();
      const id = (await p.call({ method: "POST", url: "/api/v1/signals", body: BUY })).json().id;
      expect((await update(await admin(), id, { action: "close" })).statusCode).toBe(201);
    });
  });

  describe("errors", () => {
    it("refuses an update of a cancelled signal with 409 signals.cancelled", async () => {
      const headers = await admin();
      const signal = await publish(headers);
      await ctx().app.inject({ method: "POST", url: `/api/v1/signals/${signal.id}/cancel`, headers });
      const res = await update(headers, signal.id, { action: "close" });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("signals.cancelled");
    });

    it.each([
      ["a buy's stop above the entry", BUY, { stopLoss: 1.086 }, "stopLoss"],
      ["a buy's target below the entry", BUY, { takeProfit: 1.084 }, "takeProfit"],
      [
        "a sell's stop below the entry",
        { ...BUY, side: "sell", stopLoss: 1.09, takeProfit: 1.08 },
        { stopLoss: 1.084 },
        "stopLoss",
      ],
      [
        "a market buy's stop above its target",
        { instrument: "EURUSD", side: "buy", orderType: "market", stopLoss: 1.08, takeProfit: 1.1 },
        { stopLoss: 1.2 },
        "stopLoss",
      ],
    ])("answers 400 for %s, and changes nothing", async (_name, signalBody, prices, path) => {
      const headers = await admin();
      const signal = await publish(headers, signalBody);
      const res = await update(headers, signal.id, { action: "modify", ...prices });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: "request.invalid", errors: [{ path }] });
      const shown = await getSignal(headers, signal.id);
      expect(shown.updates).toEqual([]);
      expect(shown.stopLoss).toBe(signalBody.stopLoss);
    });

    it.each([
      [{ action: "close_partial", fraction: 0 }, "fraction"],
      [{ action: "close_partial", fraction: 1 }, "fraction"],
      [{ action: "close_partial", fraction: 1.5 }, "fraction"],
      [{ action: "close_partial" }, "fraction"],
      [{ action: "close", fraction: 0.5 }, "fraction"],
      [{ action: "modify" }, "stopLoss"],
      [{ action: "close", stopLoss: 1.08 }, "stopLoss"],
      [{ action: "reverse" }, "action"],
      [{ action: "modify", stopLoss: -1 }, "stopLoss"],
      [{ action: "close", externalId: "x".repeat(129) }, "externalId"],
      [{ action: "close", note: "n".repeat(501) }, "note"],
    ])("answers 400 request.invalid for %j", async (body, path) => {
      const headers = await admin();
      const signal = await publish(headers);
      const res = await update(headers, signal.id, body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: "request.invalid",
        errors: [expect.objectContaining({ path })],
      });
    });

    it("answers 409 signals.external_id_conflict for the same externalId with another body", async () => {
      const headers = await admin();
      const signal = await publish(headers);
      await update(headers, signal.id, { action: "modify", stopLoss: 1.081, externalId: "m" });
      const res = await update(headers, signal.id, { action: "modify", stopLoss: 1.082, externalId: "m" });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("signals.external_id_conflict");
    });

    it("answers 404 for an unknown signal", async () => {
      const res = await update(await admin(), "sig_nope", { action: "close" });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("signals.not_found");
    });

    it("answers 413 for a body over 32 KiB", async () => {
      const headers = await admin();
      const signal = await publish(headers);
      const res = await update(headers, signal.id, { action: "close", note: "n".repeat(33 * 1024) });
      expect(res.statusCode).toBe(413);
    });

    it("two concurrent closes with different externalIds: one 201, one 409 signals.closed", async () => {
      const headers = await admin();
      const signal = await publish(headers);
      const results = await Promise.all([
        update(headers, signal.id, { action: "close", externalId: "close-a" }),
        update(headers, signal.id, { action: "close", externalId: "close-b" }),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      expect(results.find((r) => r.statusCode === 409)!.json().code).toBe("signals.closed");
      expect((await getSignal(headers, signal.id)).updates).toHaveLength(1);
    });

    it("two concurrent identical requests (same externalId) store one update and answer it twice", async () => {
      const headers = await admin();
      const signal = await publish(headers);
      const body = { action: "close", externalId: "once" };
      const results = await Promise.all([update(headers, signal.id, body), update(headers, signal.id, body)]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 201]);
      expect(results[0]!.json().id).toBe(results[1]!.json().id);
    });

    it("concurrent modifies take consecutive seqs and the signal keeps the last one", async () => {
      const headers = await admin();
      const signal = await publish(headers);
      const stops = [1.081, 1.082, 1.083, 1.084];
      const results = await Promise.all(
        stops.map((sl) => update(headers, signal.id, { action: "modify", stopLoss: sl })),
      );
      const bySeq = results.map((r) => r.json()).sort((a, b) => a.seq - b.seq);
      expect(bySeq.map((u) => u.seq)).toEqual([1, 2, 3, 4]);
      expect((await getSignal(headers, signal.id)).stopLoss).toBe(bySeq.at(-1).stopLoss);
    });
  });

  describe("security", () => {
    it("refuses callers without a token (401) and subscribers (403)", async () => {
      const headers = await admin();
      const signal = await publish(headers);
      expect((await update({}, signal.id, { action: "close" })).statusCode).toBe(401);
      const user = await createUser(ctx().deps);
      expect((await update(user.headers, signal.id, { action: "close" })).statusCode).toBe(403);
      expect((await getSignal(headers, signal.id)).positionStatus).toBe("open");
    });

    it("a producer cannot manage another producer's (or the admin's) signal: 404", async () => {
      const a = await producer("a");
      const b = await producer("b");
      const mine = (await a.call({ method: "POST", url: "/api/v1/signals", body: BUY })).json().id;
      const adminSignal = await publish(await admin());
      for (const id of [mine, adminSignal.id]) {
        const res = await b.call({
          method: "POST",
          url: `/api/v1/signals/${id}/updates`,
          body: { action: "close" },
        });
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe("signals.not_found");
      }
    });

    it("refuses a forged producer signature with 401", async () => {
      const p = await producer();
      const id = (await p.call({ method: "POST", url: "/api/v1/signals", body: BUY })).json().id;
      const res = await signedInject(
        ctx().app,
        ctx().clock,
        { id: p.id, secret: "forged", idHeader: "x-producer-id" },
        { method: "POST", url: `/api/v1/signals/${id}/updates`, body: { action: "close" } },
      );
      expect(res.statusCode).toBe(401);
    });
  });
});
