import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createDeviceOwner, createUser, tierId } from "../../../test/support/factories";
import { type Signer, signedInject } from "../../../test/support/signed";

const DAY_MS = 86_400_000;

/**
 * GET /api/v1/track-record: a scripted sequence of fills, updates, results and trades, and
 * every figure of the record checked against values computed by hand (in the comments).
 */
describe("the track record", () => {
  const ctx = useTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: "100000" } });

  async function world() {
    const admin = await createUser(ctx().deps, { admin: true });
    const owner = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true, deviceName: "d1" });
    const d2 = await ctx().deps.devices.register(owner.user.id, "d2");
    const d1: Signer = owner.signer;
    const d2s: Signer = { id: d2.device.id, secret: d2.secret };
    const post = (signer: Signer, url: string, body: object) =>
      signedInject(ctx().app, ctx().clock, signer, { method: "POST", url, body });
    // Tokens are minted per call: some scripts move the clock past a token's lifetime.
    const adminHeaders = async () => ({
      authorization: `Bearer ${await ctx().deps.tokens.issue(admin.user.id)}`,
    });
    const publish = async (body: object) => {
      const res = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/signals",
        headers: await adminHeaders(),
        payload: body,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const update = async (signalId: string, body: object) => {
      const res = await ctx().app.inject({
        method: "POST",
        url: `/api/v1/signals/${signalId}/updates`,
        headers: await adminHeaders(),
        payload: body,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const fill = async (signer: Signer, signalId: string, price: number) => {
      ctx().clock.advance(1_000);
      const res = await post(signer, "/api/v1/device/fill", {
        signalId,
        price,
        volume: 1,
        brokerTicket: `t-${price}`,
      });
      expect(res.statusCode, res.body).toBe(201);
    };
    const applied = async (signer: Signer, updateId: string, closePrice?: number) => {
      const res = await post(signer, "/api/v1/device/update-result", {
        updateId,
        status: "applied",
        closePrice,
      });
      expect(res.statusCode, res.body).toBe(201);
    };
    const record = async (days?: number) => {
      const res = await ctx().app.inject({
        method: "GET",
        url: `/api/v1/track-record${days ? `?days=${days}` : ""}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      return { body: res.json(), headers: res.headers };
    };
    const renewPlan = async () =>
      ctx().deps.entitlements.adminGrant(
        { id: admin.user.id },
        owner.user.id,
        await tierId(ctx().deps, "vip"),
        30,
      );
    return { d1, d2: d2s, post, publish, update, fill, applied, record, renewPlan };
  }

  it("derives each signal's pips and R and the 30-day record from reported executions only", async () => {
    const w = await world();
    // A: buy EURUSD, SL 1.0800. d1 fills first at 1.0850 (d2 later at 1.0852). Breakeven, half
    // closed at 1.0900, rest at 1.0950 (d1's prices): exit 0.5×1.0900 + 0.5×1.0950 = 1.0925,
    // +75.0 pips; risk 1.0850 − 1.0800 = 0.0050, so R = 0.0075 / 0.0050 = 1.5.
    const a = await w.publish({ instrument: "EURUSD", side: "buy", orderType: "market", stopLoss: 1.08 });
    await w.fill(w.d1, a, 1.085);
    await w.fill(w.d2, a, 1.0852);
    const aBe = await w.update(a, { action: "modify", stopLoss: 1.085 });
    const aHalf = await w.update(a, { action: "close_partial", fraction: 0.5 });
    const aClose = await w.update(a, { action: "close" });
    await w.applied(w.d1, aBe);
    await w.applied(w.d1, aHalf, 1.09);
    await w.applied(w.d1, aClose, 1.095);
    await w.applied(w.d2, aClose, 1.0949);
    ctx().clock.advance(60_000);
    // B: sell USDJPY, SL 150.50; d1 fills at 150.00, applies the close without a price and
    // reports the closed trade at 150.80: −0.80 / 0.01 = −80.0 pips; R = −0.80 / 0.50 = −1.6.
    const b = await w.publish({ instrument: "USDJPY", side: "sell", orderType: "market", stopLoss: 150.5 });
    await w.fill(w.d1, b, 150);
    const bClose = await w.update(b, { action: "close" });
    await w.applied(w.d1, bClose);
    const trade = await w.post(w.d1, "/api/v1/device/trades", {
      ticket: "t-b",
      instrument: "USDJPY",
      side: "sell",
      volume: 1,
      openPrice: 150,
      closePrice: 150.8,
      profitMinor: -5333,
      currency: "USD",
      openedAt: new Date(ctx().clock.now().getTime() - 1_000).toISOString(),
      closedAt: ctx().clock.now().toISOString(),
      signalId: b,
    });
    expect(trade.statusCode).toBe(201);
    ctx().clock.advance(60_000);
    // C: buy EURUSD, SL 1.1000; d1 fills first at 1.1050 but only d2 reports the close, at
    // 1.1030: −20.0 pips; R = −0.0020 / 0.0050 = −0.4.
    const c = await w.publish({ instrument: "EURUSD", side: "buy", orderType: "market", stopLoss: 1.1 });
    await w.fill(w.d1, c, 1.105);
    await w.fill(w.d2, c, 1.1051);
    const cClose = await w.update(c, { action: "close" });
    await w.applied(w.d2, cClose, 1.103);
    ctx().clock.advance(60_000);
    // D: buy XAUUSD without a stop; filled at 2000.0, closed at 2012.5: 12.5 / 0.1 = +125.0
    // pips, no R.
    const d = await w.publish({ instrument: "XAUUSD", side: "buy", orderType: "market" });
    await w.fill(w.d1, d, 2000);
    await w.applied(w.d1, await w.update(d, { action: "close" }), 2012.5);
    // E: closed without any fill: no result.
    const e = await w.publish({ instrument: "GBPUSD", side: "buy", orderType: "market" });
    await w.update(e, { action: "close" });
    // F: still open: not in the record.
    const f = await w.publish({ instrument: "EURUSD", side: "buy", orderType: "market" });
    await w.fill(w.d1, f, 1.2);

    const { body, headers } = await w.record();
    expect(headers["cache-control"]).toBe("public, max-age=60");
    expect(body.items.map((i: { signalId: string }) => i.signalId)).toEqual([a, b, c, d]);
    expect(body.items.map((i: { pips: number; r: number | null }) => [i.pips, i.r])).toEqual([
      [75, 1.5],
      [-80, -1.6],
      [-20, -0.4],
      [125, null],
    ]);
    expect(body.items[0]).toMatchObject({ entry: 1.085, exit: 1.0925 });
    // 4 results: 2 wins, 2 losses; pips 75 − 80 − 20 + 125 = 100.0; mean R (1.5 − 1.6 − 0.4) / 3
    // = −0.1667 → −0.17; cumulative R 1.5 (peak), −0.1, −0.5: the deepest fall is 2.0 R.
    expect(body).toMatchObject({
      days: 30,
      signals: 4,
      wins: 2,
      losses: 2,
      breakeven: 0,
      winRate: 0.5,
      totalPips: 100,
      averageR: -0.17,
      maxDrawdownR: 2,
      unresolved: 1,
    });
  });

  it("counts only signals closed within the period, and serves a cached record for a minute", async () => {
    const w = await world();
    const old = await w.publish({ instrument: "EURUSD", side: "buy", orderType: "market", stopLoss: 1.08 });
    await w.fill(w.d1, old, 1.09);
    await w.applied(w.d1, await w.update(old, { action: "close" }), 1.1);
    ctx().clock.advance(40 * DAY_MS);
    expect((await w.record(30)).body.signals).toBe(0);
    expect((await w.record(90)).body).toMatchObject({ signals: 1, wins: 1, totalPips: 100, averageR: 1 });
    await w.renewPlan();
    const fresh = await w.publish({ instrument: "EURUSD", side: "sell", orderType: "market", stopLoss: 1.2 });
    await w.fill(w.d1, fresh, 1.1);
    await w.applied(w.d1, await w.update(fresh, { action: "close" }), 1.15);
    expect((await w.record(30)).body.signals).toBe(0);
    ctx().clock.advance(61_000);
    // −0.05 / 0.0001 = −500 pips; R = −0.05 / 0.1 = −0.5.
    expect((await w.record(30)).body).toMatchObject({
      signals: 1,
      losses: 1,
      totalPips: -500,
      averageR: -0.5,
    });
  });

  it("answers 400 for days outside 1..365, without a token", async () => {
    for (const days of ["0", "366", "x"]) {
      const res = await ctx().app.inject({ method: "GET", url: `/api/v1/track-record?days=${days}` });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe("request.invalid");
    }
  });
});
