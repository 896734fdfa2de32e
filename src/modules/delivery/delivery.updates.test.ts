import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createDeviceOwner, createUser } from "../../../test/support/factories";
import { deliveryCalls, type Signer, signedInject } from "../../../test/support/signed";
import type { Database } from "../../db/client";

/**
 * The reads of one position's holders (the delivery repository's fills query for one signal),
 * seen at the database driver: recorded, and refused while `refused` is set, so a poll answered
 * meanwhile was answered from memory. At the driver, not as a module mock: test files share their
 * modules within a worker (isolate: false), so a mock would not reach an app an earlier file built.
 * (Refusing, not only counting: with a PostgreSQL bus, a resync set off by the previous test's
 * instance falling silent may replay an update and read its position legitimately.)
 */
const HOLDERS_READ =
  'select "executions"."signal_id", "executions"."device_id", "executions"."broker_ticket" from "executions" inner join "signals"';
const positionReads = { signals: [] as string[], refused: false };
function watchPositionReads(database: Database): void {
  const target = (database.pglite ?? database.pool!) as unknown as { query: (...args: unknown[]) => unknown };
  const query = target.query.bind(target);
  vi.spyOn(target, "query").mockImplementation((...args: unknown[]) => {
    const [first, second] = args as [string | { text: string; values?: unknown[] }, unknown[] | undefined];
    const text = typeof first === "string" ? first : first.text;
    const params = typeof first === "string" ? second : (first.values ?? second);
    const signalId = params?.find((p): p is string => typeof p === "string" && p.startsWith("sig_"));
    if (text.startsWith(HOLDERS_READ) && signalId) {
      positionReads.signals.push(signalId);
      if (positionReads.refused) return Promise.reject(new Error("position read refused"));
    }
    return query(...args);
  });
}

const BUY = { instrument: "EURUSD", side: "buy", orderType: "market", stopLoss: 1.08, takeProfit: 1.1 };

interface PolledUpdate {
  updateId: string;
  signalId: string;
  seq: number;
  action: string;
  stopLoss: number | null;
  takeProfit: number | null;
  fraction: number | null;
  brokerTicket: string;
}

function watchDatabase(database: Database): () => number {
  const target = (database.pglite ?? database.pool!) as unknown as Record<string, () => unknown>;
  const methods = database.pglite ? ["query", "exec", "transaction"] : ["query", "connect"];
  const spies = methods.map((m) => vi.spyOn(target, m as never));
  // `query` may be spied already (watchPositionReads): count from now.
  const before = spies.reduce((n, s) => n + s.mock.calls.length, 0);
  return () => spies.reduce((n, s) => n + s.mock.calls.length, 0) - before;
}

/** Updates reach the devices that filled the entry (API.md §10), through the signed poll. */
describe("delivery of position updates", () => {
  const ctx = useTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: "100000" } });
  afterEach(() => {
    vi.restoreAllMocks();
    positionReads.signals.length = 0;
    positionReads.refused = false;
  });
  const { poll, publish, ack } = deliveryCalls(ctx, BUY);

  const signed = (signer: Signer, url: string, body: object) =>
    signedInject(ctx().app, ctx().clock, signer, { method: "POST", url, body });
  const fill = (signer: Signer, signalId: string, ticket = `T-${signer.id.slice(-4)}`) =>
    signed(signer, "/api/v1/device/fill", { signalId, price: 1.09, volume: 0.1, brokerTicket: ticket });
  const result = (signer: Signer, body: object) => signed(signer, "/api/v1/device/update-result", body);
  let adminHeaders: Record<string, string> | undefined;
  beforeEach(() => {
    adminHeaders = undefined;
    watchPositionReads(ctx().database);
  });
  const update = async (signalId: string, body: object) => {
    adminHeaders ??= (await createUser(ctx().deps, { admin: true })).headers;
    const res = await ctx().app.inject({
      method: "POST",
      url: `/api/v1/signals/${signalId}/updates`,
      headers: adminHeaders,
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
    // The first update of a position loads its holders after the commit.
    await ctx().deps.events.settled();
    return res.json() as { id: string; seq: number };
  };
  const updatesOf = async (signer: Signer, wait = 0) => {
    const res = await poll(signer, wait);
    expect(res.statusCode).toBe(200);
    return res.json().updates as PolledUpdate[];
  };
  /** An auto-approving owner whose device received and filled a fresh signal. */
  async function filledPosition(ticket = "T-1") {
    const owner = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true });
    const signal = await publish();
    expect((await fill(owner.signer, signal.id, ticket)).statusCode).toBe(201);
    return { owner, signal };
  }

  describe("happy path", () => {
    it("delivers each update to a device that filled the entry, in seq order with its ticket, until it reports", async () => {
      const { owner, signal } = await filledPosition("4711");
      const modify = await update(signal.id, { action: "modify", stopLoss: 1.085 });
      const partial = await update(signal.id, { action: "close_partial", fraction: 0.5 });
      const res = await poll(owner.signer);
      expect(res.json()).toEqual({
        serverTime: expect.any(String),
        signals: [],
        updates: [
          {
            updateId: modify.id,
            signalId: signal.id,
            seq: 1,
            action: "modify",
            stopLoss: 1.085,
            takeProfit: null,
            fraction: null,
            brokerTicket: "4711",
          },
          {
            updateId: partial.id,
            signalId: signal.id,
            seq: 2,
            action: "close_partial",
            stopLoss: null,
            takeProfit: null,
            fraction: 0.5,
            brokerTicket: "4711",
          },
        ],
        // Every answer carries the device's settings (API.md §11).
        settings: expect.objectContaining({ version: 1 }),
      });
      expect((await result(owner.signer, { updateId: modify.id, status: "applied" })).statusCode).toBe(201);
      expect((await updatesOf(owner.signer)).map((u) => u.updateId)).toEqual([partial.id]);
      const applied = await result(owner.signer, {
        updateId: partial.id,
        status: "applied",
        closedVolume: 0.05,
        closePrice: 1.095,
      });
      expect(applied.statusCode).toBe(201);
      expect(applied.json()).toMatchObject({ updateId: partial.id, status: "applied", closePrice: 1.095 });
      expect(await updatesOf(owner.signer)).toEqual([]);
    });

    it("does not send updates to devices that only ACKed, failed, or never received the entry", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true });
      const acked = await ctx().deps.devices.register(owner.user.id, "acked");
      const failed = await ctx().deps.devices.register(owner.user.id, "failed");
      const signal = await publish();
      await ack({ id: acked.device.id, secret: acked.secret }, signal.id);
      await signed({ id: failed.device.id, secret: failed.secret }, "/api/v1/device/error", {
        signalId: signal.id,
        code: 10019,
        message: "no money",
      });
      await update(signal.id, { action: "close" });
      expect(await updatesOf(owner.signer)).toEqual([]);
      expect(await updatesOf({ id: acked.device.id, secret: acked.secret })).toEqual([]);
      expect(await updatesOf({ id: failed.device.id, secret: failed.secret })).toEqual([]);
    });

    it("wakes a waiting long poll as soon as an update is published", async () => {
      const { owner, signal } = await filledPosition();
      const waiting = poll(owner.signer, 20);
      await new Promise((r) => setTimeout(r, 100));
      expect(ctx().deps.delivery.stats().waiting).toBe(1);
      const started = Date.now();
      const close = await update(signal.id, { action: "close" });
      const res = await waiting;
      expect(res.json().updates.map((u: PolledUpdate) => u.updateId)).toEqual([close.id]);
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it("an entry polled after a modify carries the latest stop loss and take profit", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true });
      const signal = await publish();
      await update(signal.id, { action: "modify", stopLoss: 1.083, takeProfit: 1.12 });
      const [entry] = (await poll(owner.signer)).json().signals;
      expect(entry).toMatchObject({ signalId: signal.id, stopLoss: 1.083, takeProfit: 1.12 });
    });

    it("an update racing the first fill: the device ends with the latest SL/TP, from the entry or the update", async () => {
      for (let round = 0; round < 6; round++) {
        const owner = await createDeviceOwner(ctx().deps, "vip", {
          autoApprove: true,
          deviceName: `d${round}`,
        });
        const signal = await publish();
        const [entry] = (await poll(owner.signer)).json().signals;
        const sl = 1.081 + round / 1000;
        await Promise.all([
          fill(owner.signer, signal.id),
          update(signal.id, { action: "modify", stopLoss: sl }),
        ]);
        const updates = await updatesOf(owner.signer);
        // What the terminal would end up with: the entry's stop, then each update applied in order.
        const finalStop = updates.reduce((stop, u) => u.stopLoss ?? stop, entry.stopLoss as number);
        expect(finalStop, `round ${round}`).toBe(sl);
      }
    });

    it("a device that fills after the updates were published receives all of them", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true });
      const early = await ctx().deps.devices.register(owner.user.id, "early");
      const earlySigner = { id: early.device.id, secret: early.secret };
      const signal = await publish();
      await fill(earlySigner, signal.id);
      const modify = await update(signal.id, { action: "modify", stopLoss: 1.085 });
      expect(await updatesOf(owner.signer)).toEqual([]);
      await fill(owner.signer, signal.id, "late-ticket");
      const updates = await updatesOf(owner.signer);
      expect(updates).toEqual([
        expect.objectContaining({ updateId: modify.id, brokerTicket: "late-ticket" }),
      ]);
    });

    it("a close withdraws the entry from devices that have not received it", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true });
      const signal = await publish();
      await update(signal.id, { action: "close" });
      const res = await poll(owner.signer);
      expect(res.json()).toMatchObject({ signals: [], updates: [] });
      const decision = await ctx().app.inject({
        method: "POST",
        url: `/api/v1/signals/${signal.id}/decision`,
        headers: owner.headers,
        payload: { decision: "approve" },
      });
      expect(decision.statusCode).toBe(409);
    });

    it("after a restart (index rebuilt from the database) pending updates are still delivered, settled ones not", async () => {
      const { owner, signal } = await filledPosition();
      const first = await update(signal.id, { action: "modify", stopLoss: 1.085 });
      const second = await update(signal.id, { action: "modify", takeProfit: 1.11 });
      await result(owner.signer, { updateId: first.id, status: "applied" });
      await ctx().deps.delivery.rebuild();
      expect((await updatesOf(owner.signer)).map((u) => u.updateId)).toEqual([second.id]);
      expect(ctx().deps.delivery.stats()).toMatchObject({ positions: 1, holders: 1 });
    });

    /** A poll parked by the device, once the service counts it as waiting (wrapped: not awaited here). */
    async function parkedPoll(signer: Signer) {
      const answer = poll(signer, 20);
      await new Promise((r) => setTimeout(r, 100));
      expect(ctx().deps.delivery.stats().waiting).toBe(1);
      return { answer };
    }

    it("the first update of a filled position wakes its holder from memory, without reading the position", async () => {
      const { owner, signal } = await filledPosition("T-9");
      const waiting = (await parkedPoll(owner.signer)).answer;
      positionReads.refused = true;
      const close = await update(signal.id, { action: "close" });
      expect((await waiting).json().updates).toEqual([
        expect.objectContaining({ updateId: close.id, brokerTicket: "T-9" }),
      ]);
    });

    it("after a restart the fills of a position without updates are held, and its first update needs no read", async () => {
      const { owner, signal } = await filledPosition("T-7");
      await ctx().deps.delivery.rebuild();
      expect(ctx().deps.delivery.stats()).toMatchObject({ positions: 1, holders: 1 });
      const waiting = (await parkedPoll(owner.signer)).answer;
      positionReads.refused = true;
      const modify = await update(signal.id, { action: "modify", stopLoss: 1.085 });
      expect((await waiting).json().updates).toEqual([
        expect.objectContaining({ updateId: modify.id, brokerTicket: "T-7" }),
      ]);
    });

    it("the first update of a position nobody filled is read from the database (a fill may be on its way)", async () => {
      await createDeviceOwner(ctx().deps, "vip", { autoApprove: true });
      const signal = await publish();
      await update(signal.id, { action: "modify", stopLoss: 1.085 });
      // The read runs in the after-commit reaction, which the answer to the update does not wait for.
      await vi.waitFor(() => expect(positionReads.signals).toContain(signal.id));
    });

    it("answers an empty poll without touching the database while the device holds a settled position", async () => {
      const { owner, signal } = await filledPosition();
      const modify = await update(signal.id, { action: "modify", stopLoss: 1.085 });
      await result(owner.signer, { updateId: modify.id, status: "applied" });
      expect(await updatesOf(owner.signer)).toEqual([]);
      const statements = watchDatabase(ctx().database);
      for (let i = 0; i < 20; i++) expect(await updatesOf(owner.signer)).toEqual([]);
      expect(statements()).toBe(0);
    });

    it("answers an empty poll without touching the database while the device holds a position without updates", async () => {
      const { owner } = await filledPosition();
      expect(ctx().deps.delivery.stats()).toMatchObject({ positions: 1, holders: 1 });
      const statements = watchDatabase(ctx().database);
      for (let i = 0; i < 20; i++) expect(await updatesOf(owner.signer)).toEqual([]);
      expect(statements()).toBe(0);
    });

    it("shows each update's status per device in the execution history", async () => {
      const { owner, signal } = await filledPosition();
      const second = await ctx().deps.devices.register(owner.user.id, "second");
      const secondSigner = { id: second.device.id, secret: second.secret };
      await fill(secondSigner, signal.id, "T-2");
      const modify = await update(signal.id, { action: "modify", stopLoss: 1.085 });
      const close = await update(signal.id, { action: "close" });
      await result(owner.signer, { updateId: modify.id, status: "applied" });
      await result(owner.signer, {
        updateId: close.id,
        status: "applied",
        closePrice: 1.095,
        closedVolume: 0.1,
      });
      await result(secondSigner, {
        updateId: modify.id,
        status: "failed",
        errorCode: 10016,
        errorMessage: "Invalid stops",
      });
      const res = await ctx().app.inject({
        method: "GET",
        url: `/api/v1/signals/${signal.id}/executions`,
        headers: owner.headers,
      });
      const body = res.json();
      expect(body.summary).toMatchObject({ filled: 2, updatesApplied: 2, updatesFailed: 1 });
      const byDevice = Object.fromEntries(
        body.items.map((i: { deviceName: string; updates: unknown[] }) => [i.deviceName, i.updates]),
      );
      expect(byDevice.terminal).toEqual([
        expect.objectContaining({ updateId: modify.id, seq: 1, status: "applied" }),
        expect.objectContaining({ updateId: close.id, seq: 2, status: "applied", closePrice: 1.095 }),
      ]);
      expect(byDevice.second).toEqual([
        expect.objectContaining({
          seq: 1,
          status: "failed",
          errorCode: 10016,
          errorMessage: "Invalid stops",
        }),
        expect.objectContaining({ seq: 2, status: "pending", reportedAt: null }),
      ]);
    });
  });

  describe("errors", () => {
    it("POST /device/update-result: the same report again is 200, a different one 409 executions.already_final", async () => {
      const { owner, signal } = await filledPosition();
      const close = await update(signal.id, { action: "close" });
      const body = { updateId: close.id, status: "applied", closePrice: 1.09, closedVolume: 0.1 };
      expect((await result(owner.signer, body)).statusCode).toBe(201);
      const again = await result(owner.signer, body);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ updateId: close.id, status: "applied" });
      const different = await result(owner.signer, { updateId: close.id, status: "failed", errorCode: 1 });
      expect(different.statusCode).toBe(409);
      expect(different.json().code).toBe("executions.already_final");
    });

    it("answers 404 for a result about an update the device was never sent", async () => {
      const { signal } = await filledPosition();
      const close = await update(signal.id, { action: "close" });
      const other = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true, deviceName: "other" });
      for (const updateId of [close.id, "upd_unknown"]) {
        const res = await result(other.signer, { updateId, status: "applied" });
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe("signals.update_not_found");
      }
    });

    it.each([
      [{ updateId: "u", status: "done" }, "status"],
      [{ status: "applied" }, "updateId"],
      [{ updateId: "u", status: "applied", closePrice: 0 }, "closePrice"],
      [{ updateId: "u", status: "failed", errorMessage: "e".repeat(501) }, "errorMessage"],
    ])("answers 400 for %j", async (body, path) => {
      const owner = await createDeviceOwner(ctx().deps, "vip");
      const res = await result(owner.signer, body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: "request.invalid",
        errors: [expect.objectContaining({ path })],
      });
    });
  });

  describe("security", () => {
    it("refuses an unsigned or forged update-result with 401 device_auth.rejected", async () => {
      const { owner, signal } = await filledPosition();
      const close = await update(signal.id, { action: "close" });
      const unsigned = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/device/update-result",
        payload: { updateId: close.id, status: "applied" },
      });
      expect(unsigned.statusCode).toBe(401);
      const forged = await result(
        { ...owner.signer, secret: "forged" },
        { updateId: close.id, status: "applied" },
      );
      expect(forged.statusCode).toBe(401);
      expect(forged.json().code).toBe("device_auth.rejected");
      expect(await updatesOf(owner.signer)).toHaveLength(1);
    });
  });
});
