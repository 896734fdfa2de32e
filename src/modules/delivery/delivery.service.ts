import type { Logger } from "pino";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import { CommonErrors } from "../../shared/errors";
import type { Approval, DomainEvents, Events } from "../../shared/events";
import type { ActiveDevice } from "../devices/devices.repository";
import type { DevicesService } from "../devices/devices.service";
import { type DeviceSettings, FIRST_SETTINGS_VERSION, settingsOf } from "../devices/devices.settings";
import type { SignalsService } from "../signals/signals.service";
import type { SignalRow, SignalUpdateRow } from "../signals/signals.table";
import type { DeliveryBus, DeliveryMessage } from "./delivery.bus";
import { DeliveryIndex } from "./delivery.index";
import { claimOfflineWithPending } from "./delivery.offline";
import { PositionBook, toUpdateItem } from "./delivery.positions";
import { deliveryRepository } from "./delivery.repository";
import {
  DEFAULT_WAITER_LIMITS,
  EMPTY_ANSWER,
  ParkingFull,
  type PollAnswer,
  Waiters,
} from "./delivery.waiters";

/** How soon a poll refused for a full server is asked to come back. */
export const PARKING_FULL_RETRY_SECONDS = 5;

const EXPIRY_SWEEP_MS = 1_000;
/** A reload that failed (the database away too) is retried this often. */
const RESYNC_RETRY_MS = 2_000;
const ACCESS_SWEEP_MS = 10_000;
const OFFLINE_SWEEP_MS = 60_000;
const POSITIONS_SWEEP_MS = 3_600_000;
/**
 * A closed position stays tracked this long (longer than the longest entry TTL, a day), so a
 * device that received the entry before the close and reports its fill after still gets the close.
 */
const CLOSED_RETENTION_MS = 2 * 86_400_000;
/** Ids that failed a lookup are not looked up again for this long (a revoked EA keeps calling). */
const UNKNOWN_TTL_MS = 30_000;
const UNKNOWN_MAX = 10_000;

export type DeliveryService = ReturnType<typeof createDeliveryService>;

/**
 * Decides what each device receives, without the database on the hot path: a signed poll with
 * nothing pending is answered from the in-memory index, and long polls are parked until a
 * change on this instance, or a message from another one, makes something deliverable.
 */
export function createDeliveryService(deps: {
  db: Executor;
  clock: Clock;
  logger: Logger;
  devices: Pick<DevicesService, "listActive" | "findActive" | "secretOf" | "unrevokedIdsOf">;
  signals: Pick<SignalsService, "openApprovals">;
  events: Events;
  bus: DeliveryBus;
  /** Parked polls this instance holds at most (POLL_MAX_PARKED). */
  maxParked?: number;
}) {
  const { clock, bus, logger } = deps;
  const repo = deliveryRepository(deps.db);
  const waiters = new Waiters({
    ...DEFAULT_WAITER_LIMITS,
    total: deps.maxParked ?? DEFAULT_WAITER_LIMITS.total,
  });
  const unknown = new Map<string, number>();
  let index = new DeliveryIndex();
  let book = new PositionBook();
  let closing = false;
  let timers: NodeJS.Timeout[] = [];

  const nowMs = () => clock.now().getTime();
  /** Loads started by timers and other instances' messages; stop() waits for them. */
  const inFlight = new Set<Promise<unknown>>();
  const background = (what: string, work: Promise<unknown>) => {
    const tracked = work.catch((err) => logger.warn({ err }, `delivery: ${what} failed`));
    inFlight.add(tracked);
    void tracked.finally(() => inFlight.delete(tracked));
  };
  const defaultSettings = settingsOf(null, FIRST_SETTINGS_VERSION);
  /**
   * Every device whose settings were never changed shares one settings object. Each instance
   * indexes every device, and a poll answer's settings are serialised once per settings object
   * (`pollBody`), so the defaults are built and written once, not once per device (nor once
   * per woken device in a fan-out). Settings objects are never changed in place: a change is a
   * new object with a higher version.
   */
  const settingsFor = (d: ActiveDevice) =>
    d.settings === null && d.settingsVersion === FIRST_SETTINGS_VERSION
      ? defaultSettings
      : settingsOf(d.settings, d.settingsVersion);
  const putDevice = (d: ActiveDevice, into = index) => {
    unknown.delete(d.id);
    into.putDevice({
      id: d.id,
      userId: d.userId,
      keyVersion: d.keyVersion,
      secret: deps.devices.secretOf(d),
      settings: settingsFor(d),
    });
  };

  /**
   * What a poll answers, from memory. Entries need the owner's plan; updates of a position the
   * device already holds are delivered whatever the plan, since leaving an open trade without
   * its stop moves or close would only hurt the subscriber.
   */
  const answerFor = (deviceId: string) => (): PollAnswer => {
    const device = index.device(deviceId);
    const access = device && index.accessOf(device.userId);
    const signals = !access?.signals || access.until <= nowMs() ? [] : index.pendingFor(deviceId, nowMs());
    const updates = book.pendingFor(deviceId);
    return signals.length === 0 && updates.length === 0 ? EMPTY_ANSWER : { signals, updates };
  };
  const wake = (deviceIds: Iterable<string>) => {
    for (const id of deviceIds) waiters.wake(id, answerFor(id));
  };

  /**
   * Loads positions (all, or one signal's) into a book: updates, the devices that filled them
   * (open positions without updates included) and what each settled; the entry is revised to the latest SL/TP, or withdrawn when closed.
   * Returns the devices that hold a loaded position.
   */
  async function loadPositions(into: { index: DeliveryIndex; book: PositionBook }, signalId?: string) {
    const data = await repo.positions({ signalId, closedSince: new Date(nowMs() - CLOSED_RETENTION_MS) });
    const settled = new Map<string, string[]>();
    for (const r of data.settled) {
      const key = `${r.signalId}\n${r.deviceId}`;
      settled.set(key, [...(settled.get(key) ?? []), r.updateId]);
    }
    const devices: string[] = [];
    for (const s of data.signals) {
      if (s.positionStatus === "closed") into.index.closeSignal(s.id);
      else into.index.reviseSignal(s.id, s);
      const items = data.updates.filter((u) => u.signalId === s.id).map(toUpdateItem);
      if (items.length > 0) devices.push(...into.book.addUpdates(s.id, items, s.closedAt?.getTime()));
    }
    for (const f of data.fills) {
      if (into.book.hold(f.signalId, f.deviceId, f.ticket ?? "", settled.get(`${f.signalId}\n${f.deviceId}`)))
        devices.push(f.deviceId);
    }
    return devices;
  }

  const loadPosition = (signalId: string) =>
    loadPositions({ index, book }, signalId).then(
      (devices) => wake(devices),
      (err) => logger.warn({ err }, "delivery: loading a position failed"),
    );

  async function refreshAccess(userIds: string[]): Promise<void> {
    const access = await repo.accessOf(userIds, clock.now());
    for (const [userId, a] of access) index.setAccess(userId, a);
    for (const userId of userIds) wake(index.devicesOf(userId));
  }

  /** Loads a signal's approvals (and ACKs) that this instance learnt of from elsewhere. */
  async function loadSignal(signalId: string, userIds?: string[]): Promise<void> {
    const rows = await deps.signals.openApprovals({ signalId, userIds });
    for (const r of rows) {
      index.openSignal(r.signal);
      index.approve(r.signal.id, r.userId, r.decidedAt?.getTime() ?? nowMs());
    }
    for (const ack of await repo.acksOf([signalId])) index.ack(ack.deviceId, ack.signalId);
    wake(rows.flatMap((r) => index.devicesOf(r.userId)));
  }

  async function reloadDevice(deviceId: string): Promise<void> {
    const row = await deps.devices.findActive(deviceId);
    if (!row) {
      index.removeDevice(deviceId);
      book.removeDevice(deviceId);
      return waiters.release(deviceId);
    }
    putDevice(row);
    if (!index.accessOf(row.userId)) await refreshAccess([row.userId]);
  }

  /**
   * Changes learnt while a rebuild reads the database (from this instance's commits or from the
   * bus), replayed onto the fresh index once it replaces the old one: a change committed after
   * the rebuild read its table would otherwise be applied to the discarded index only.
   */
  let missedDuringRebuild: DeliveryMessage[] | undefined;
  let rebuilding: Promise<void> | undefined;
  let rebuildAgain = false;

  /** Replaces the whole index from the database (at start, and whenever the bus may have lost something). */
  async function rebuildOnce(): Promise<void> {
    missedDuringRebuild = [];
    try {
      const fresh = new DeliveryIndex();
      const freshBook = new PositionBook();
      const [devices, approvals] = await Promise.all([
        deps.devices.listActive(),
        deps.signals.openApprovals(),
      ]);
      for (const d of devices) putDevice(d, fresh);
      for (const r of approvals) {
        fresh.openSignal(r.signal);
        fresh.approve(r.signal.id, r.userId, r.decidedAt?.getTime() ?? nowMs());
      }
      const signalIds = [...new Set(approvals.map((r) => r.signal.id))];
      for (const ack of await repo.acksOf(signalIds)) fresh.ack(ack.deviceId, ack.signalId);
      const userIds = fresh.usersWithDevices();
      for (const [userId, a] of await repo.accessOf(userIds, clock.now())) fresh.setAccess(userId, a);
      await loadPositions({ index: fresh, book: freshBook });
      index = fresh;
      book = freshBook;
      const missed = missedDuringRebuild;
      missedDuringRebuild = undefined;
      for (const m of missed) apply(m);
      wake(waiters.deviceIds());
    } finally {
      missedDuringRebuild = undefined;
    }
  }

  /** One rebuild at a time; asked for during one, another follows it (the first may have read too early). */
  function rebuild(): Promise<void> {
    if (rebuilding) {
      rebuildAgain = true;
      return rebuilding;
    }
    const run = async () => {
      try {
        do {
          rebuildAgain = false;
          await rebuildOnce();
        } while (rebuildAgain && !closing);
      } finally {
        rebuilding = undefined;
      }
    };
    rebuilding = run();
    return rebuilding;
  }

  let resyncRetry: NodeJS.Timeout | undefined;
  /** A resync that could not read the database (it is away too) is tried again until it can. */
  function resync(why: string): void {
    if (closing) return;
    logger.info({ why }, "delivery: reloading from the database");
    clearTimeout(resyncRetry);
    background(
      "resyncing",
      rebuild().catch((err) => {
        if (!closing) resyncRetry = setTimeout(() => resync("retrying a failed reload"), RESYNC_RETRY_MS);
        throw err;
      }),
    );
  }

  /** A change to tell the other instances, and to replay here if a rebuild is reading meanwhile. */
  function tell(m: DeliveryMessage): void {
    missedDuringRebuild?.push(m);
    bus.publish(m);
  }

  function onRemote(m: DeliveryMessage): void {
    // A message arriving while the instance shuts down would start a load nobody waits for.
    if (closing) return;
    missedDuringRebuild?.push(m);
    apply(m);
  }

  function apply(m: DeliveryMessage): void {
    if (m.k === "open") background("loading a signal", loadSignal(m.s));
    else if (m.k === "approve" && !index.hasSignal(m.s))
      background("loading an approval", loadSignal(m.s, [m.u]));
    else if (m.k === "approve") wake(index.approve(m.s, m.u, m.at));
    else if (m.k === "close") index.closeSignal(m.s);
    else if (m.k === "ack") index.ack(m.d, m.s);
    else if (m.k === "device") background("reloading a device", reloadDevice(m.d));
    else if (m.k === "update") background("loading a position", loadPosition(m.s));
    else if (m.k === "fill") {
      if (book.hold(m.s, m.d, m.t)) wake([m.d]);
    } else if (m.k === "result") book.settle(m.s, m.u, m.d);
    else if (m.k === "settings") {
      if ((index.device(m.d)?.settings.version ?? Number.POSITIVE_INFINITY) >= m.v) return;
      // Parked polls answer once the new settings are in, so the EA gets them without waiting.
      background(
        "reloading settings",
        reloadDevice(m.d).then(() => waiters.release(m.d)),
      );
    } else background("refreshing access", refreshAccess([m.u]));
  }

  /**
   * This index may not yet know of another instance's ACKs and results (the bus is away, or the
   * message is still on its way): what it would offer is checked in the database, so a device
   * is not handed an entry or update it already reported on.
   */
  async function confirmed(deviceId: string, answer: PollAnswer): Promise<PollAnswer> {
    const reported = await learnReports(
      [deviceId],
      answer.signals.map((s) => s.signalId),
      answer.updates.map((u) => u.item.updateId),
    );
    return reported.has(deviceId) ? answerFor(deviceId)() : answer;
  }

  /**
   * Reads which of these devices already reported on these signals and updates (through another
   * instance, faster than the bus), marks it in the index and the book, and says which did.
   */
  async function learnReports(
    deviceIds: string[],
    signalIds: string[],
    updateIds: string[],
  ): Promise<Set<string>> {
    const { acked, settled } = await repo.reportedByDevices(deviceIds, signalIds, updateIds);
    const reported = new Set<string>();
    for (const a of acked) {
      index.ack(a.deviceId, a.signalId);
      reported.add(a.deviceId);
    }
    for (const r of settled) {
      book.settle(r.signalId, r.updateId, r.deviceId);
      reported.add(r.deviceId);
    }
    return reported;
  }

  /**
   * Woken polls whose answers must be confirmed (`confirmed`, the bus out of step) are confirmed
   * together: every poll woken in one turn of the event loop in one read per table. A fan-out
   * of 10,000 on an instance whose bus looked out of step (its own loop busy past `IN_STEP_MS`
   * with the approvals' load and the burst itself) was 10,000 queries: 6.2 s of CPU and a p99 of
   * 13.6 s in the scale-out scenario (docs/perf/scaleout.md).
   */
  let toConfirm: {
    deviceId: string;
    answer: PollAnswer;
    settle(a: Promise<PollAnswer> | PollAnswer): void;
  }[] = [];
  function confirmWoken(deviceId: string, answer: PollAnswer): Promise<PollAnswer> {
    return new Promise<PollAnswer>((settle) => {
      if (toConfirm.length === 0) setImmediate(confirmTogether);
      toConfirm.push({ deviceId, answer, settle });
    });
  }
  function confirmTogether(): void {
    const batch = toConfirm;
    toConfirm = [];
    const reported = learnReports(
      [...new Set(batch.map((b) => b.deviceId))],
      [...new Set(batch.flatMap((b) => b.answer.signals.map((s) => s.signalId)))],
      [...new Set(batch.flatMap((b) => b.answer.updates.map((u) => u.item.updateId)))],
    );
    for (const b of batch)
      b.settle(reported.then((them) => (them.has(b.deviceId) ? answerFor(b.deviceId)() : b.answer)));
  }

  /**
   * Parks the poll: no async function waits with it (10,000 parked polls are 10,000 suspended
   * frames each), only the waiter's promise and, with other instances, one `then`.
   */
  function parked(deviceId: string, waitMs: number, connection: Parameters<Waiters["park"]>[2]) {
    let waiting: Promise<PollAnswer>;
    try {
      waiting = waiters.park(deviceId, waitMs, connection);
    } catch (err) {
      // Hand-written, not @fastify/under-pressure (shared/http/overload.ts): parked polls cost
      // almost nothing of the event-loop delay or memory the plugin samples until far too many
      // are parked, so the cap counts them; the answer is the same overload problem.
      const full = CommonErrors.overloaded(
        "Too many devices are waiting on this server; poll again shortly",
        {
          headers: { "retry-after": String(PARKING_FULL_RETRY_SECONDS) },
        },
      );
      return Promise.reject(err instanceof ParkingFull ? full : err);
    }
    if (bus.kind === "none") return waiting;
    // Checked after the wait too: what woke it may be news, what comes with it may be stale.
    return waiting.then((answer) =>
      answer !== EMPTY_ANSWER && !bus.connected() ? confirmWoken(deviceId, answer) : answer,
    );
  }

  /** What a poll answers now from memory, or undefined while the owner's access must be read first. */
  function answerFromMemory(deviceId: string, userId: string): PollAnswer | undefined {
    const access = index.accessOf(userId);
    return access && access.until > nowMs() ? answerFor(deviceId)() : undefined;
  }

  /**
   * A poll that has something to send (`found`), or whose owner's access must be read first
   * (`found` undefined); it parks afterwards when there is nothing to send after all.
   */
  async function pollAfterReads(
    deviceId: string,
    userId: string,
    waitMs: number,
    connection: Parameters<Waiters["park"]>[2],
    found: PollAnswer | undefined,
  ): Promise<PollAnswer> {
    if (found === undefined) await refreshAccess([userId]);
    let answer = found ?? answerFor(deviceId)();
    // With other instances, a device answered at once may have just reported on what this one
    // offers through another (behind a round-robin balancer its ACK and this poll can be
    // milliseconds apart, faster than the bus): checked in the database, one query, and only
    // for a poll with something to send, never for the fan-out's woken polls.
    if (answer !== EMPTY_ANSWER && bus.kind !== "none") answer = await confirmed(deviceId, answer);
    if (answer !== EMPTY_ANSWER || waitMs === 0 || closing) return answer;
    return parked(deviceId, waitMs, connection);
  }

  function sweepAccess(): void {
    const soon = nowMs() + ACCESS_SWEEP_MS * 1.5;
    const stale = index.usersWithDevices().filter((u) => (index.accessOf(u)?.until ?? 0) <= soon);
    if (stale.length > 0) background("refreshing access", refreshAccess(stale));
  }

  const sweepOffline = () => claimOfflineWithPending({ db: deps.db, clock, events: deps.events });

  /**
   * What this instance learns from its own commits (see `delivery.reactions.ts`): applied to the
   * index at once, so the next poll here sees it, then told to the other instances.
   */
  const changes = {
    signalOpened(signal: SignalRow, approvals: Approval[]): void {
      index.openSignal(signal);
      const woken: string[] = [];
      for (const a of approvals) woken.push(...index.approve(signal.id, a.userId, a.decidedAt.getTime()));
      // The others are told first: they read the approvals from the database before they wake
      // anybody, and waking this instance's share took ~80 ms of 10,000 polls before they heard.
      tell({ k: "open", s: signal.id });
      wake(woken);
    },
    signalApproved(signal: SignalRow, approval: Approval): void {
      index.openSignal(signal);
      wake(index.approve(signal.id, approval.userId, approval.decidedAt.getTime()));
      tell({ k: "approve", s: signal.id, u: approval.userId, at: approval.decidedAt.getTime() });
    },
    signalClosed(signalId: string): void {
      index.closeSignal(signalId);
      tell({ k: "close", s: signalId });
    },
    /**
     * An update was committed: the entry shows the new SL/TP (or is withdrawn by a close), the
     * devices holding the position get the update, and the other instances are told.
     */
    async positionUpdated(signal: SignalRow, update: SignalUpdateRow): Promise<void> {
      if (signal.positionStatus === "closed") index.closeSignal(signal.id);
      else index.reviseSignal(signal.id, signal);
      // The book holds every filled position from its fills on, so its holders are woken from
      // memory. Only a position it does not hold (nobody filled it, as far as this instance
      // knows) or whose earlier updates it lacks is read from the database.
      const complete = book.has(signal.id) && book.updateCount(signal.id) === update.seq - 1;
      wake(book.addUpdates(signal.id, [toUpdateItem(update)], signal.closedAt?.getTime()));
      tell({ k: "update", s: signal.id });
      if (!complete) await loadPosition(signal.id);
    },
    deviceChanged({ kind, device }: DomainEvents["devices.changed"]): void {
      if (kind === "revoked") {
        index.removeDevice(device.id);
        book.removeDevice(device.id);
        waiters.release(device.id);
      } else {
        putDevice(device);
        if (!index.accessOf(device.userId)) background("loading access", refreshAccess([device.userId]));
      }
      tell({ k: "device", d: device.id });
    },
    /**
     * The owner changed the settings: every poll from now carries them, and a poll parked
     * here answers at once (with no signals) so the EA applies them now, not when its wait ends.
     */
    settingsChanged(deviceId: string, settings: DeviceSettings): void {
      if (index.setSettings(deviceId, settings)) waiters.release(deviceId);
      tell({ k: "settings", d: deviceId, v: settings.version });
    },
    async accessChanged(userId: string): Promise<void> {
      await refreshAccess([userId]);
      tell({ k: "user", u: userId });
    },
    /**
     * The owner was disabled or re-enabled: each of their devices is reloaded (a disabled owner's
     * devices are not active, so they leave the index and their parked polls end), here and on
     * every other instance.
     */
    async ownerChanged(userId: string): Promise<void> {
      const ids = new Set([...index.devicesOf(userId), ...(await deps.devices.unrevokedIdsOf(userId))]);
      for (const id of ids) {
        await reloadDevice(id);
        tell({ k: "device", d: id });
      }
    },
  };

  /** A device not in the index: just registered elsewhere, or unknown (remembered a while as such). */
  async function lookupUnindexedSecret(deviceId: string): Promise<string | null> {
    if ((unknown.get(deviceId) ?? 0) > nowMs()) return null;
    const row = await deps.devices.findActive(deviceId);
    if (row) {
      putDevice(row);
      return index.device(deviceId)!.secret;
    }
    if (unknown.size >= UNKNOWN_MAX) unknown.clear();
    unknown.set(deviceId, nowMs() + UNKNOWN_TTL_MS);
    return null;
  }

  return {
    ...changes,
    /** Tells owners (once per offline spell) about offline devices with signals waiting. */
    sweepOffline,
    async start(): Promise<void> {
      closing = false;
      await bus.start(onRemote, resync);
      await rebuild();
      timers = [
        setInterval(() => index.closeExpired(nowMs()), EXPIRY_SWEEP_MS),
        setInterval(sweepAccess, ACCESS_SWEEP_MS),
        setInterval(() => background("the offline sweep", sweepOffline()), OFFLINE_SWEEP_MS),
        setInterval(() => book.forgetClosed(nowMs() - CLOSED_RETENTION_MS), POSITIONS_SWEEP_MS),
      ];
      for (const t of timers) t.unref();
    },
    /** Answers every parked poll with what it has (nothing), so shutdown need not wait for them. */
    releaseWaiters(): void {
      closing = true;
      waiters.releaseAll();
    },
    async stop(): Promise<void> {
      this.releaseWaiters();
      for (const t of timers) clearInterval(t);
      timers = [];
      clearTimeout(resyncRetry);
      await bus.stop();
      // Nothing of this instance may still read the database once it is stopped: the database
      // closes next (and between tests its tables are emptied; a straggler deadlocks with that).
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    rebuild,

    /** The device's current secret, at once from memory; the database only for ids not seen yet. */
    lookupSecret(deviceId: string): string | null | Promise<string | null> {
      const known = index.device(deviceId);
      if (known) return known.secret;
      return lookupUnindexedSecret(deviceId);
    },

    /**
     * What the device should receive now; with `waitMs` and nothing to send, parks until
     * something arrives or time runs out.
     */
    poll(deviceId: string, waitMs: number, connection: Parameters<Waiters["park"]>[2]): Promise<PollAnswer> {
      const device = index.device(deviceId);
      if (!device) return Promise.resolve(EMPTY_ANSWER);
      const answer = answerFromMemory(deviceId, device.userId);
      // The common poll (access known, nothing to send) answers or parks without an async frame.
      if (answer !== EMPTY_ANSWER) return pollAfterReads(deviceId, device.userId, waitMs, connection, answer);
      if (waitMs === 0 || closing) return Promise.resolve(answer);
      return parked(deviceId, waitMs, connection);
    },

    /**
     * Whether a poll of this device with `wait=0` answers nothing, known now from memory: the
     * device is indexed, its owner's access was read and has not run out (else `poll` reads it
     * again first), and nothing is due. The signed empty poll's own path (delivery.empty-poll.ts)
     * asks before it spends anything; every other poll goes through `poll`.
     */
    answersEmptyAtOnce(deviceId: string): boolean {
      const device = index.device(deviceId);
      return device !== undefined && answerFromMemory(deviceId, device.userId) === EMPTY_ANSWER;
    },

    /** The owner of a device that may sign right now. */
    deviceOf(deviceId: string): { id: string; userId: string } | undefined {
      const device = index.device(deviceId);
      return device && { id: device.id, userId: device.userId };
    },

    /** The settings a poll from this device carries, from memory. */
    settingsOf(deviceId: string): DeviceSettings {
      return index.device(deviceId)?.settings ?? defaultSettings;
    },

    /** When the user approved this still-open signal (epoch ms), from memory. */
    approvedAt: (signalId: string, userId: string) => index.approvedAt(signalId, userId),

    markAcked(deviceId: string, signalId: string): void {
      index.ack(deviceId, signalId);
      tell({ k: "ack", s: signalId, d: deviceId });
    },

    /**
     * A device filled an entry: it holds the position from now on, here and on every other
     * instance, so the position's updates (already published, or the first one to come) reach
     * it from memory.
     */
    markFilled(deviceId: string, signalId: string, ticket: string): void {
      if (book.hold(signalId, deviceId, ticket)) wake([deviceId]);
      tell({ k: "fill", s: signalId, d: deviceId, t: ticket });
    },

    /** A device reported its final result for an update: never delivered to it again. */
    markSettled(deviceId: string, signalId: string, updateId: string): void {
      book.settle(signalId, updateId, deviceId);
      tell({ k: "result", s: signalId, u: updateId, d: deviceId });
    },

    stats: () => ({ ...index.stats(), ...book.stats(), waiting: waiters.size, bus: bus.kind }),
  };
}
