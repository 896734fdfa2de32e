import { afterEach, describe, expect, it, vi } from "vitest";
import { createTestApp, useTestApp } from "../../../test/support/app";
import { createDeviceOwner, createSubscriber, createUser } from "../../../test/support/factories";
import { deliveryCalls, signedInject } from "../../../test/support/signed";
import type { Database } from "../../db/client";

const BUY = { instrument: "EURUSD", side: "buy", orderType: "market", volume: 0.1 };

/** Counts every statement the app sends to the database from now on. */
function watchDatabase(database: Database): () => number {
  const target = (database.pglite ?? database.pool!) as unknown as Record<string, () => unknown>;
  const methods = database.pglite ? ["query", "exec", "transaction"] : ["query", "connect"];
  const spies = methods.map((m) => vi.spyOn(target, m as never));
  return () => spies.reduce((n, s) => n + s.mock.calls.length, 0);
}

describe("GET /api/v1/device/poll", () => {
  const ctx = useTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: "100000" } });
  afterEach(() => vi.restoreAllMocks());

  const { poll, signalsOf, publish, approve, ack } = deliveryCalls(ctx, BUY);

  describe("happy path", () => {
    it("returns the owner's approved signals, oldest first, until this device ACKs each", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip");
      const first = await publish();
      ctx().clock.advance(1);
      const second = await publish({ ...BUY, instrument: "GBPUSD", entryPrice: 1.27, orderType: "limit" });
      await approve(owner.headers, second.id);
      await approve(owner.headers, first.id);
      const res = await poll(owner.signer);
      expect(res.json()).toEqual({
        serverTime: ctx().clock.now().toISOString(),
        signals: [
          {
            signalId: first.id,
            instrument: "EURUSD",
            side: "buy",
            orderType: "market",
            entryPrice: null,
            stopLoss: null,
            takeProfit: null,
            volume: 0.1,
            expiresAt: expect.any(String),
          },
          expect.objectContaining({ signalId: second.id, entryPrice: 1.27 }),
        ],
        updates: [],
        settings: {
          version: 1,
          sizing: { mode: "fixed", value: 0.01 },
          maxLots: null,
          symbolMap: {},
          symbolSuffix: "",
          maxSlippagePoints: 30,
          maxEntryDeviationPct: null,
          paused: false,
        },
      });
      expect((await ack(owner.signer, first.id)).statusCode).toBe(201);
      expect(await signalsOf(owner.signer)).toEqual([second.id]);
    });

    it("does not deliver signals that are pending or rejected", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip");
      const pending = await publish();
      const rejected = await publish();
      await ctx().app.inject({
        method: "POST",
        url: `/api/v1/signals/${rejected.id}/decision`,
        headers: owner.headers,
        payload: { decision: "reject" },
      });
      expect(pending.id).toBeTruthy();
      expect(await signalsOf(owner.signer)).toEqual([]);
    });

    it("delivers an auto-approved signal at once, to every active device of the owner", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true });
      const { secret, device } = await ctx().deps.devices.register(owner.user.id, "second");
      const signal = await publish();
      expect(await signalsOf(owner.signer)).toEqual([signal.id]);
      await ack(owner.signer, signal.id);
      expect(await signalsOf({ id: device.id, secret })).toEqual([signal.id]);
    });

    it("gives a device registered after the approval the signals still open", async () => {
      const owner = await createSubscriber(ctx().deps, "vip", { autoApprove: true });
      const signal = await publish();
      const { device, secret } = await ctx().deps.devices.register(owner.user.id, "late");
      expect(await signalsOf({ id: device.id, secret })).toEqual([signal.id]);
    });

    it("wakes a waiting poll as soon as the owner approves", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip");
      const signal = await publish();
      const started = Date.now();
      const waiting = poll(owner.signer, 20);
      await new Promise((r) => setTimeout(r, 100));
      expect(ctx().deps.delivery.stats().waiting).toBe(1);
      await approve(owner.headers, signal.id);
      const res = await waiting;
      expect(res.json().signals.map((s: { signalId: string }) => s.signalId)).toEqual([signal.id]);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(ctx().deps.delivery.stats().waiting).toBe(0);
    });

    it("wakes waiting polls of auto-approving recipients when a signal is published", async () => {
      const owners = await Promise.all(
        [1, 2, 3].map(() => createDeviceOwner(ctx().deps, "vip", { autoApprove: true })),
      );
      const waiting = owners.map((o) => poll(o.signer, 20));
      await new Promise((r) => setTimeout(r, 100));
      const signal = await publish();
      for (const res of await Promise.all(waiting)) expect(res.json().signals[0].signalId).toBe(signal.id);
    });

    it("answers an empty list when the wait runs out", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip");
      const started = Date.now();
      expect(await signalsOf(owner.signer, 1)).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });

    it("stops delivering a signal once it expires", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true });
      await publish({ ...BUY, ttlSeconds: 10 });
      expect(await signalsOf(owner.signer)).toHaveLength(1);
      ctx().clock.advance(10_000);
      expect(await signalsOf(owner.signer)).toEqual([]);
    });

    it("stops delivering a cancelled signal to devices that have not ACKed it", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true });
      const signal = await publish();
      const { headers } = await createUser(ctx().deps, { admin: true });
      await ctx().app.inject({ method: "POST", url: `/api/v1/signals/${signal.id}/cancel`, headers });
      expect(await signalsOf(owner.signer)).toEqual([]);
    });

    it("returns nothing while the owner lacks signals, and delivers again when the plan returns", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true });
      const signal = await publish();
      const [period] = await ctx().deps.entitlements.periodsOf(owner.user.id);
      await ctx().deps.entitlements.adminRevoke({ id: "usr_admin" }, period!.id);
      await new Promise((r) => setTimeout(r, 50));
      expect(await signalsOf(owner.signer)).toEqual([]);
      const waiting = poll(owner.signer, 20);
      await new Promise((r) => setTimeout(r, 100));
      const { tierId } = await import("../../../test/support/factories");
      await ctx().deps.entitlements.adminGrant(
        { id: "usr_admin" },
        owner.user.id,
        await tierId(ctx().deps, "vip"),
        30,
      );
      expect((await waiting).json().signals.map((s: { signalId: string }) => s.signalId)).toEqual([
        signal.id,
      ]);
    });

    it("returns nothing once the owner's period has run out", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true });
      await publish({ ...BUY, ttlSeconds: 86_400 });
      expect(await signalsOf(owner.signer)).toHaveLength(1);
      ctx().clock.advance(30 * 86_400_000);
      expect(await signalsOf(owner.signer)).toEqual([]);
    });

    it("answers a signed poll with nothing pending without touching the database", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip");
      expect(await signalsOf(owner.signer)).toEqual([]);
      const statements = watchDatabase(ctx().database);
      for (let i = 0; i < 20; i++) expect(await signalsOf(owner.signer)).toEqual([]);
      expect(statements()).toBe(0);
      // The watch does see statements: listing devices reads the table.
      await ctx().app.inject({ method: "GET", url: "/api/v1/devices", headers: owner.headers });
      expect(statements()).toBeGreaterThan(0);
    });

    it("counts polls by result", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true });
      await signalsOf(owner.signer);
      await publish();
      await signalsOf(owner.signer);
      await poll({ ...owner.signer, secret: "wrong" });
      const text = await ctx().deps.metrics.registry.getSingleMetricAsString("device_polls_total");
      expect(text).toContain('device_polls_total{result="empty"} 1');
      expect(text).toContain('device_polls_total{result="delivered"} 1');
      expect(text).toContain('device_polls_total{result="rejected"} 1');
    });
  });

  describe("errors", () => {
    it.each(["31", "-1", "abc", "1.5"])("answers 400 for wait=%s", async (wait) => {
      const owner = await createDeviceOwner(ctx().deps, "vip");
      const res = await signedInject(ctx().app, ctx().clock, owner.signer, {
        method: "GET",
        url: `/api/v1/device/poll?wait=${wait}`,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: "request.invalid", errors: [{ path: "wait" }] });
    });
  });
});

describe("shutdown", () => {
  it("answers parked polls at once when the app closes", async () => {
    const test = await createTestApp();
    try {
      const owner = await createDeviceOwner(test.deps, "vip");
      const waiting = signedInject(test.app, test.clock, owner.signer, {
        method: "GET",
        url: "/api/v1/device/poll?wait=30",
      });
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      const closing = test.close();
      const res = await waiting;
      await closing;
      expect(res.json().signals).toEqual([]);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await test.close().catch(() => {});
    }
  });
});
