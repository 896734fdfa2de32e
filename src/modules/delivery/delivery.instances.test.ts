import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app";
import { resetDatabase, testDatabase } from "../../../test/support/db";
import { createDeviceOwner, createUser } from "../../../test/support/factories";
import { type Signer, signedInject } from "../../../test/support/signed";
import { redisBus } from "./delivery.bus";

const BUY = { instrument: "EURUSD", side: "buy", orderType: "market" };

async function eventually(check: () => Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Two app instances over one PostgreSQL database, telling each other through `bus`. */
function twoInstances(bus: "postgres" | "redis") {
  let a: TestApp;
  let b: TestApp;
  beforeEach(async () => {
    await resetDatabase(await testDatabase());
    const env = {
      RATE_LIMIT_IP_PER_MINUTE: "100000",
      REDIS_KEY_PREFIX: `sd:test:${randomUUID()}:`,
      ...(bus === "redis" ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
    };
    a = await createTestApp({ env });
    b = await createTestApp({ env });
    expect(a.deps.delivery.stats().bus).toBe(bus);
  });
  afterEach(async () => {
    await a?.close();
    await b?.close();
  });

  const poll = (app: TestApp, signer: Signer, wait = 0) =>
    signedInject(app.app, app.clock, signer, { method: "GET", url: `/api/v1/device/poll?wait=${wait}` });
  const ids = async (res: Promise<{ json(): { signals: { signalId: string }[] } }>) =>
    (await res).json().signals.map((s) => s.signalId);
  const publish = async (app: TestApp) => {
    const { headers } = await createUser(app.deps, { admin: true });
    return (await app.app.inject({ method: "POST", url: "/api/v1/signals", headers, payload: BUY })).json()
      .id as string;
  };

  it("wakes a poll waiting on one instance when the owner approves on the other", async () => {
    const owner = await createDeviceOwner(a.deps, "vip");
    const signalId = await publish(a);
    const waiting = poll(b, owner.signer, 20);
    await eventually(async () => b.deps.delivery.stats().waiting === 1);
    const started = Date.now();
    await a.app.inject({
      method: "POST",
      url: `/api/v1/signals/${signalId}/decision`,
      headers: owner.headers,
      payload: { decision: "approve" },
    });
    expect(await ids(waiting)).toEqual([signalId]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("wakes a poll on one instance when the other publishes an auto-approved signal", async () => {
    const owner = await createDeviceOwner(a.deps, "vip", { autoApprove: true });
    const waiting = poll(b, owner.signer, 20);
    await eventually(async () => b.deps.delivery.stats().waiting === 1);
    const signalId = await publish(a);
    expect(await ids(waiting)).toEqual([signalId]);
  });

  it("an ACK on one instance hides the signal on the other", async () => {
    const owner = await createDeviceOwner(a.deps, "vip", { autoApprove: true });
    const signalId = await publish(a);
    await eventually(async () => (await ids(poll(b, owner.signer))).length === 1);
    const ack = await signedInject(a.app, a.clock, owner.signer, {
      method: "POST",
      url: "/api/v1/device/ack",
      body: { signalId },
    });
    expect(ack.statusCode).toBe(201);
    await eventually(async () => (await ids(poll(b, owner.signer))).length === 0);
  });

  it("a cancel on one instance stops delivery on the other", async () => {
    const owner = await createDeviceOwner(a.deps, "vip", { autoApprove: true });
    const signalId = await publish(a);
    await eventually(async () => (await ids(poll(b, owner.signer))).length === 1);
    const admin = await createUser(a.deps, { admin: true });
    await a.app.inject({ method: "POST", url: `/api/v1/signals/${signalId}/cancel`, headers: admin.headers });
    await eventually(async () => (await ids(poll(b, owner.signer))).length === 0);
  });

  const signedPost = (app: TestApp, signer: Signer, url: string, body: object) =>
    signedInject(app.app, app.clock, signer, { method: "POST", url, body });
  const fill = (app: TestApp, signer: Signer, signalId: string) =>
    signedPost(app, signer, "/api/v1/device/fill", {
      signalId,
      price: 1.1,
      volume: 0.1,
      brokerTicket: "T-9",
    });
  const updateOn = async (app: TestApp, signalId: string, body: object) => {
    const { headers } = await createUser(app.deps, { admin: true });
    const res = await app.app.inject({
      method: "POST",
      url: `/api/v1/signals/${signalId}/updates`,
      headers,
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const updateIds = async (app: TestApp, signer: Signer, wait = 0) =>
    ((await poll(app, signer, wait)).json().updates as { updateId: string }[]).map((u) => u.updateId);

  it("wakes a holder's long poll on one instance when the other publishes an update", async () => {
    const owner = await createDeviceOwner(a.deps, "vip", { autoApprove: true });
    const signalId = await publish(a);
    expect((await fill(a, owner.signer, signalId)).statusCode).toBe(201);
    // The fill implies the ACK: once the other instance has heard of it, the poll there parks.
    await eventually(async () => (await ids(poll(b, owner.signer))).length === 0);
    const waiting = poll(b, owner.signer, 20);
    await eventually(async () => b.deps.delivery.stats().waiting === 1);
    const started = Date.now();
    const closeId = await updateOn(a, signalId, { action: "close" });
    expect(((await waiting).json().updates as { updateId: string }[]).map((u) => u.updateId)).toEqual([
      closeId,
    ]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("a fill on one instance after an update is served the update by the other; a result there settles it", async () => {
    const owner = await createDeviceOwner(a.deps, "vip", { autoApprove: true });
    const early = await a.deps.devices.register(owner.user.id, "early");
    const signalId = await publish(a);
    await fill(a, { id: early.device.id, secret: early.secret }, signalId);
    const modifyId = await updateOn(a, signalId, { action: "modify", stopLoss: 1.05 });
    await eventually(async () => b.deps.delivery.stats().positions === 1);
    expect((await fill(a, owner.signer, signalId)).statusCode).toBe(201);
    await eventually(async () => (await updateIds(b, owner.signer)).includes(modifyId));
    const reported = await signedPost(a, owner.signer, "/api/v1/device/update-result", {
      updateId: modifyId,
      status: "applied",
    });
    expect(reported.statusCode).toBe(201);
    await eventually(async () => (await updateIds(b, owner.signer)).length === 0);
  });

  it("a close on one instance withdraws the entry on the other", async () => {
    const owner = await createDeviceOwner(a.deps, "vip", { autoApprove: true });
    const signalId = await publish(a);
    await eventually(async () => (await ids(poll(b, owner.signer))).length === 1);
    await updateOn(a, signalId, { action: "close" });
    await eventually(async () => (await ids(poll(b, owner.signer))).length === 0);
  });

  it("a settings change on one instance answers a poll parked on the other with the new settings", async () => {
    const owner = await createDeviceOwner(a.deps, "vip");
    expect((await poll(b, owner.signer)).json().settings.version).toBe(1);
    const waiting = poll(b, owner.signer, 20);
    await eventually(async () => b.deps.delivery.stats().waiting === 1);
    const started = Date.now();
    const put = await a.app.inject({
      method: "PUT",
      url: `/api/v1/devices/${owner.device.id}/settings`,
      headers: owner.headers,
      payload: {
        sizing: { mode: "multiplier", value: 2 },
        maxLots: 1,
        symbolMap: {},
        symbolSuffix: "",
        maxSlippagePoints: 30,
        maxEntryDeviationPct: null,
        paused: true,
      },
    });
    expect(put.statusCode).toBe(200);
    expect((await waiting).json()).toMatchObject({
      signals: [],
      settings: { version: 2, sizing: { mode: "multiplier", value: 2 }, paused: true },
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("a device registered on one instance signs on the other at once", async () => {
    const owner = await createDeviceOwner(a.deps, "vip");
    expect((await poll(b, owner.signer)).statusCode).toBe(200);
  });

  it("a device revoked or rotated on one instance is refused on the other", async () => {
    const owner = await createDeviceOwner(a.deps, "vip");
    const second = await a.deps.devices.register(owner.user.id, "second");
    const secondSigner = { id: second.device.id, secret: second.secret };
    expect((await poll(b, owner.signer)).statusCode).toBe(200);
    expect((await poll(b, secondSigner)).statusCode).toBe(200);
    await a.deps.devices.revoke(owner.user.id, owner.device.id);
    await a.deps.devices.rotateSecret(owner.user.id, second.device.id);
    await eventually(async () => (await poll(b, owner.signer)).statusCode === 401);
    await eventually(async () => (await poll(b, secondSigner)).statusCode === 401);
  });

  it("an entitlement revoked on one instance empties polls on the other", async () => {
    const owner = await createDeviceOwner(a.deps, "vip", { autoApprove: true });
    await publish(a);
    await eventually(async () => (await ids(poll(b, owner.signer))).length === 1);
    const [period] = await a.deps.entitlements.periodsOf(owner.user.id);
    await a.deps.entitlements.adminRevoke({ id: "usr_admin" }, period!.id);
    await eventually(async () => (await ids(poll(b, owner.signer))).length === 0);
  });

  it("a nonce spent on one instance cannot be replayed on the other", async () => {
    const owner = await createDeviceOwner(a.deps, "vip");
    const nonce = `shared-nonce-${randomUUID()}`;
    const call = { method: "GET" as const, url: "/api/v1/device/poll", nonce };
    expect((await signedInject(a.app, a.clock, owner.signer, call)).statusCode).toBe(200);
    const replay = await signedInject(b.app, b.clock, owner.signer, call);
    // Nonces are shared only through Redis; without it each instance keeps its own.
    expect(replay.statusCode).toBe(bus === "redis" ? 401 : 200);
  });

  if (bus === "redis")
    it("subscribes again when Redis drops the subscribers' connections, and hears the other instance after", async () => {
      const admin = new Redis(process.env.TEST_REDIS_URL!);
      try {
        // The buses name their subscriber connections after their channel (and instance).
        const channel = `${b.deps.config.redisKeyPrefix}delivery:`;
        const subscribers = async () =>
          ((await admin.call("CLIENT", "LIST", "TYPE", "pubsub")) as string)
            .split("\n")
            .filter((line) => line.includes(` name=${channel}`));
        const before = await subscribers();
        expect(before).toHaveLength(2);
        for (const line of before) await admin.call("CLIENT", "KILL", "ID", /\bid=(\d+)/.exec(line)![1]!);
        // Both back, each subscribed to its one channel again, on new connections.
        await eventually(async () => {
          const now = await subscribers();
          return now.length === 2 && now.every((l) => l.includes(" sub=1 ") && !before.includes(l));
        });
      } finally {
        admin.disconnect();
      }
      const owner = await createDeviceOwner(a.deps, "vip", { autoApprove: true });
      const waiting = poll(b, owner.signer, 20);
      await eventually(async () => b.deps.delivery.stats().waiting === 1);
      const signalId = await publish(a);
      expect(await ids(waiting)).toEqual([signalId]);
    });
}

/**
 * Several instances need a PostgreSQL server (and Redis for the shared stores), so the
 * two-instance suites exist only when the test run has them (CI's PostgreSQL pass); what holds
 * everywhere is checked below: each database gets the bus it can support.
 */
const onServer = !!process.env.TEST_DATABASE_URL;
const withRedis = onServer && !!process.env.TEST_REDIS_URL;

describe("the delivery bus an instance picks", () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it("is in-process on embedded PGlite (one process owns the data), LISTEN/NOTIFY on PostgreSQL", async () => {
    await resetDatabase(await testDatabase());
    app = await createTestApp();
    expect(app.deps.delivery.stats().bus).toBe(onServer ? "postgres" : "none");
  });
});

describe("what the bus sends and when", () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const sentBy = () => {
    const sent: { o: string; m: { k: string }[] }[] = [];
    const redis = {
      publish: async (_channel: string, payload: string) => {
        sent.push(JSON.parse(payload));
        return 1;
      },
    } as unknown as Redis;
    return { sent, bus: redisBus(redis, "sd:delivery", "instance-a", pino({ level: "silent" })) };
  };

  it("sends a publish's or an approval's message at once, with what was queued before it, in order", () => {
    vi.useFakeTimers();
    const { sent, bus } = sentBy();
    bus.publish({ k: "ack", s: "sig_1", d: "dev_1" });
    expect(sent).toEqual([]);
    bus.publish({ k: "open", s: "sig_2" });
    // Before any timer or microtask: the instance's own fan-out runs next and would hold it back.
    expect(sent).toEqual([
      {
        o: "instance-a",
        n: 1,
        m: [
          { k: "ack", s: "sig_1", d: "dev_1" },
          { k: "open", s: "sig_2" },
        ],
      },
    ]);
    bus.publish({ k: "approve", s: "sig_2", u: "usr_1", at: 5 });
    expect(sent.map((e) => e.m.map((m) => m.k))).toEqual([["ack", "open"], ["approve"]]);
    vi.runAllTimers();
    expect(sent).toHaveLength(2);
  });

  it("gathers other messages published close together into one payload, one per publish of thousands", () => {
    vi.useFakeTimers();
    const { sent, bus } = sentBy();
    for (let i = 0; i < 50; i++) bus.publish({ k: "ack", s: "sig_1", d: `dev_${i}` });
    expect(sent).toEqual([]);
    vi.runAllTimers();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.m).toHaveLength(50);
    // One approval for 20,000 subscribers is one message, whatever the number of their devices.
    bus.publish({ k: "open", s: "sig_3" });
    expect(sent).toHaveLength(2);
  });
});

if (onServer) {
  describe("two instances woken through PostgreSQL LISTEN/NOTIFY", () => {
    twoInstances("postgres");
  });
}

if (withRedis) {
  describe("two instances woken through Redis pub/sub", () => {
    twoInstances("redis");
  });
}
