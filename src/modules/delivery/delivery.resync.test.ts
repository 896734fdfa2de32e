import { afterEach, describe, expect, it, vi } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createDeviceOwner, createUser } from "../../../test/support/factories";
import type { DeliveryBus, DeliveryMessage } from "./delivery.bus";
import { createDeliveryService, type DeliveryService } from "./delivery.service";

const BUY = { instrument: "EURUSD", side: "buy", orderType: "market" };

async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A second instance's delivery service over the test app's database, with a bus the test plays
 * (messages from "other instances", resync requests) and a rebuild the test can hold half-way:
 * after it has read the open approvals and before the fresh index replaces the old one.
 */
describe("delivery state reloaded from the database (the resync gap)", () => {
  const ctx = useTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: "100000" } });
  let service: DeliveryService | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await service?.stop();
    service = undefined;
  });

  function secondInstance() {
    const bus = {
      remote: (_m: DeliveryMessage) => {},
      resync: (_why: string) => {},
      published: [] as DeliveryMessage[],
      connected: true,
    };
    let hold: { read: () => void; released: Promise<void> } | undefined;
    let failures = 0;
    const deps = ctx().deps;
    service = createDeliveryService({
      db: deps.db,
      clock: deps.clock,
      logger: deps.logger,
      devices: deps.devices,
      events: deps.events,
      signals: {
        async openApprovals(filter) {
          if (failures > 0 && filter === undefined) {
            failures--;
            throw new Error("connection terminated unexpectedly");
          }
          const rows = await deps.signals.openApprovals(filter);
          const h = filter === undefined ? hold : undefined;
          if (h) {
            hold = undefined;
            h.read();
            await h.released;
          }
          return rows;
        },
      },
      bus: {
        kind: "redis",
        publish: (m) => bus.published.push(m),
        async start(onMessage, onResync) {
          bus.remote = onMessage;
          bus.resync = onResync;
        },
        async stop() {},
        connected: () => bus.connected,
      } satisfies DeliveryBus,
    });
    /** Starts a rebuild and resolves once it has read the approvals; `release` lets it finish. */
    const holdRebuild = async () => {
      let release = () => {};
      const released = new Promise<void>((r) => {
        release = r;
      });
      const read = new Promise<void>((r) => {
        hold = { read: r, released };
      });
      const rebuilt = service!.rebuild();
      await read;
      return async () => {
        release();
        await rebuilt;
      };
    };
    const failNextReloads = (n: number) => {
      failures = n;
    };
    return { service, bus, holdRebuild, failNextReloads };
  }

  const pending = (s: DeliveryService, deviceId: string) =>
    s.poll(deviceId, 0, undefined as never).then((a) => a.signals.map((x) => x.signalId));

  async function ownerAndSignal() {
    const owner = await createDeviceOwner(ctx().deps, "vip");
    const { headers } = await createUser(ctx().deps, { admin: true });
    const res = await ctx().app.inject({ method: "POST", url: "/api/v1/signals", headers, payload: BUY });
    expect(res.statusCode).toBe(201);
    return { owner, signalId: res.json().id as string };
  }

  /** An entry published to, and approved at once by, an owner with a device. */
  async function approvedEntry() {
    const owner = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true });
    const { headers } = await createUser(ctx().deps, { admin: true });
    const res = await ctx().app.inject({ method: "POST", url: "/api/v1/signals", headers, payload: BUY });
    expect(res.statusCode).toBe(201);
    return { owner, signalId: res.json().id as string };
  }

  it("an approval told by another instance while the index rebuilds reaches the device", async () => {
    const { owner, signalId } = await ownerAndSignal();
    const second = secondInstance();
    await second.service.start();
    const finish = await second.holdRebuild();
    const decided = await ctx().deps.signals.decide(owner.user.id, signalId, "approve");
    second.bus.remote({ k: "approve", s: signalId, u: owner.user.id, at: Date.parse(decided.decidedAt) });
    await finish();
    await eventually(() => second.service.stats().signals > 0);
    expect(await pending(second.service, owner.device.id)).toEqual([signalId]);
  });

  it("an approval committed on this instance while the index rebuilds reaches the device", async () => {
    const { owner, signalId } = await ownerAndSignal();
    const second = secondInstance();
    await second.service.start();
    const finish = await second.holdRebuild();
    await ctx().deps.signals.decide(owner.user.id, signalId, "approve");
    const [row] = await ctx().deps.signals.openApprovals({ signalId, userIds: [owner.user.id] });
    second.service.signalApproved(row!.signal, { userId: owner.user.id, decidedAt: row!.decidedAt! });
    await finish();
    await eventually(() => second.service.stats().signals > 0);
    expect(await pending(second.service, owner.device.id)).toEqual([signalId]);
    expect(second.bus.published).toContainEqual(expect.objectContaining({ k: "approve", s: signalId }));
  });

  it("an ACK told while the index rebuilds is not delivered again", async () => {
    const { owner, signalId } = await approvedEntry();
    const second = secondInstance();
    await second.service.start();
    expect(await pending(second.service, owner.device.id)).toEqual([signalId]);
    const finish = await second.holdRebuild();
    second.bus.remote({ k: "ack", s: signalId, d: owner.device.id });
    await finish();
    expect(await pending(second.service, owner.device.id)).toEqual([]);
  });

  it("while its bus is away, an entry another instance saw ACKed is not offered again", async () => {
    const { owner, signalId } = await approvedEntry();
    const second = secondInstance();
    await second.service.start();
    await ctx().deps.executions.ack({ id: owner.device.id, userId: owner.user.id }, signalId);
    second.bus.connected = false;
    expect(await pending(second.service, owner.device.id)).toEqual([]);
  });

  it("an entry ACKed through another instance a moment ago (its message still on the way) is not offered", async () => {
    const { owner, signalId } = await approvedEntry();
    const second = secondInstance();
    await second.service.start();
    expect(await pending(second.service, owner.device.id)).toEqual([signalId]);
    await ctx().deps.executions.ack({ id: owner.device.id, userId: owner.user.id }, signalId);
    expect(second.bus.connected).toBe(true);
    expect(await pending(second.service, owner.device.id)).toEqual([]);
  });

  it("while its bus is away, a parked poll woken for an entry another instance saw ACKed is not handed it", async () => {
    // Someone else's approval puts the entry in the second instance's index.
    const other = await createDeviceOwner(ctx().deps, "vip");
    const { owner, signalId } = await ownerAndSignal();
    await ctx().deps.signals.decide(other.user.id, signalId, "approve");
    const second = secondInstance();
    await second.service.start();
    expect(second.service.stats().signals).toBe(1);
    // Approved and ACKed through the first instance; the second hears neither (its bus is away).
    await ctx().deps.signals.decide(owner.user.id, signalId, "approve");
    await ctx().deps.executions.ack({ id: owner.device.id, userId: owner.user.id }, signalId);
    second.bus.connected = false;
    const woken = second.service
      .poll(owner.device.id, 5_000, { on() {}, off() {} })
      .then((a) => a.signals.map((x) => x.signalId));
    // The approval reaches it late (a resent message), the ACK not yet: the wake must check.
    second.bus.remote({ k: "approve", s: signalId, u: owner.user.id, at: Date.now() });
    expect(await woken).toEqual([]);
  });

  it("while its bus is away, polls woken together are confirmed in one read, and only the device that ACKed loses its entry", async () => {
    const other = await createDeviceOwner(ctx().deps, "vip");
    const owners = [];
    for (let i = 0; i < 4; i++) owners.push(await createDeviceOwner(ctx().deps, "vip"));
    const { signalId } = await ownerAndSignal();
    await ctx().deps.signals.decide(other.user.id, signalId, "approve");
    const second = secondInstance();
    await second.service.start();
    for (const owner of owners) await ctx().deps.signals.decide(owner.user.id, signalId, "approve");
    const [acking, ...others] = owners;
    await ctx().deps.executions.ack({ id: acking!.device.id, userId: acking!.user.id }, signalId);
    second.bus.connected = false;
    const woken = owners.map((owner) =>
      second.service
        .poll(owner.device.id, 5_000, { on() {}, off() {} })
        .then((a) => a.signals.map((x) => x.signalId)),
    );
    await eventually(() => second.service.stats().waiting === owners.length);
    const db = ctx().database;
    const target = (db.pglite ?? db.pool!) as unknown as Record<string, () => unknown>;
    const reads = vi.spyOn(target, "query" as never);
    for (const owner of owners)
      second.bus.remote({ k: "approve", s: signalId, u: owner.user.id, at: Date.now() });
    expect(await Promise.all(woken)).toEqual([[], ...others.map(() => [signalId])]);
    // One read for the four woken polls (an entry, no updates), not one per poll.
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it("a repeated ACK or update result marks the index again (an index that missed the first learns it)", async () => {
    const { owner, signalId } = await approvedEntry();
    const device = { id: owner.device.id, userId: owner.user.id };
    await ctx().deps.executions.ack(device, signalId);
    const marked = vi.spyOn(ctx().deps.delivery, "markAcked");
    expect((await ctx().deps.executions.ack(device, signalId)).created).toBe(false);
    expect(marked).toHaveBeenCalledWith(owner.device.id, signalId);
  });

  it("a fill reported here on a position whose updates this instance missed is still told to the others", async () => {
    const { owner, signalId } = await approvedEntry();
    const second = secondInstance();
    await second.service.start();
    // The position's updates went through another instance while this one's bus was away: it
    // tracks nothing of the signal, yet the instances that do must learn who holds it.
    second.service.markFilled(owner.device.id, signalId, "T-1");
    expect(second.bus.published).toContainEqual({ k: "fill", s: signalId, d: owner.device.id, t: "T-1" });
  });

  it("a fill told by another instance is held even when this instance knows nothing of the position yet", async () => {
    const { owner, signalId } = await approvedEntry();
    const second = secondInstance();
    await second.service.start();
    expect(second.service.stats()).toMatchObject({ positions: 0, holders: 0 });
    second.bus.remote({ k: "fill", s: signalId, d: owner.device.id, t: "T-1" });
    expect(second.service.stats()).toMatchObject({ positions: 1, holders: 1 });
  });

  it("a fill of a position without updates reported while the index rebuilds is held by the rebuilt index", async () => {
    const { owner, signalId } = await approvedEntry();
    const second = secondInstance();
    await second.service.start();
    const finish = await second.holdRebuild();
    // Learnt after the rebuild's read (not in the database it reads): only the replay keeps it.
    second.service.markFilled(owner.device.id, signalId, "T-1");
    await finish();
    expect(second.service.stats()).toMatchObject({ positions: 1, holders: 1 });
  });

  it("a change this instance never heard of is picked up when the bus asks for a resync", async () => {
    const { owner, signalId } = await ownerAndSignal();
    const second = secondInstance();
    await second.service.start();
    await ctx().deps.signals.decide(owner.user.id, signalId, "approve");
    expect(await pending(second.service, owner.device.id)).toEqual([]);
    second.bus.resync("a delivery message was missed");
    await eventually(() => second.service.stats().signals > 0);
    expect(await pending(second.service, owner.device.id)).toEqual([signalId]);
  });

  it("a resync that cannot read the database (it is away too) is retried until it can", async () => {
    const { owner, signalId } = await ownerAndSignal();
    const second = secondInstance();
    await second.service.start();
    await ctx().deps.signals.decide(owner.user.id, signalId, "approve");
    second.failNextReloads(1);
    second.bus.resync("the delivery subscriber reconnected");
    await eventually(() => second.service.stats().signals > 0);
    expect(await pending(second.service, owner.device.id)).toEqual([signalId]);
  });
});
