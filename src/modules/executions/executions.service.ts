import type { Executor } from "../../db/client";
import { Batcher } from "../../shared/batcher";
import type { Clock } from "../../shared/clock";
import type { Events } from "../../shared/events";
import { newId } from "../../shared/ids";
import type { Counter, Histogram } from "../../shared/metrics";
import type { DeliveryService } from "../delivery/delivery.service";
import type { SignalsService, Viewer } from "../signals/signals.service";
import type { UsersService } from "../users/users.service";
import { ExecutionErrors } from "./executions.errors";
import {
  attribution,
  sameError,
  sameFill,
  sameResult,
  summarise,
  toEventView,
  toExecutionView,
  toUpdateResultView,
  type UpdateResultInput,
  updatesOnDevice,
} from "./executions.models";
import { executionReports, type FillReport } from "./executions.reports";
import { executionsRepository, type Outcome, type Report } from "./executions.repository";
import type { ExecutionRow } from "./executions.table";
import { notAhead } from "./executions.times";

/** The device a verified signature belongs to. */
export interface DeviceIdentity {
  id: string;
  userId: string;
}

export interface FillInput {
  signalId: string;
  price: number;
  volume: number;
  brokerTicket: string;
  filledAt?: Date;
}

export interface TradeInput {
  ticket: string;
  instrument: string;
  side: "buy" | "sell";
  volume: number;
  openPrice: number;
  closePrice: number;
  profitMinor: number;
  currency: string;
  openedAt: Date;
  closedAt: Date;
  signalId?: string | null;
}

export type ExecutionsService = ReturnType<typeof createExecutionsService>;

export function createExecutionsService(deps: {
  db: Executor;
  clock: Clock;
  events: Events;
  delivery: Pick<DeliveryService, "approvedAt" | "markAcked" | "markFilled" | "markSettled">;
  signals: Pick<SignalsService, "approvalOf" | "get">;
  users: Pick<UsersService, "findById">;
  metrics: { executions: Counter<"status">; deliverySeconds: Histogram };
}) {
  const { db, clock } = deps;
  const repo = executionsRepository(db);
  const reports = executionReports(db);
  const pairKey = (r: Report) => `${r.signalId}\n${r.deviceId}`;
  // Three batches in flight: reports arriving meanwhile form the next (larger) batch, and ACKs
  // and fills together take at most 6 of the pool's 10 connections, the rest staying free for
  // everything else. A batch's round trip (its commit's WAL flush included) bounds the rate more
  // than CPU does: 20,000 signed fills from 64 connections ran at 5,102-5,602/s with three
  // against 4,684-5,556/s with two, faster in each of three alternated pairs (docs/perf/fills.md).
  const batching = { maxBatch: 200, maxInFlight: 3 };
  const acks = new Batcher((items: Report[]) => reports.ackMany(items), pairKey, batching);
  const fills = new Batcher((items: FillReport[]) => reports.fillMany(items), pairKey, batching);

  /** When the owner approved the signal: from memory while it is open, else from the database. */
  async function approvalTime(device: DeviceIdentity, signalId: string): Promise<number> {
    const cached = deps.delivery.approvedAt(signalId, device.userId);
    if (cached !== undefined) return cached;
    const approval = await deps.signals.approvalOf(signalId, device.userId);
    if (!approval) throw ExecutionErrors.signalNotFound();
    return approval.decidedAt.getTime();
  }

  /** Bookkeeping for a report that wrote something: index, metrics, notification. */
  function recorded(e: ExecutionRow, outcome: Outcome, type: "ack" | "fill" | "error", approvedAtMs: number) {
    // A repeat means the device was offered the entry again: an index that missed the first
    // report (its bus was away) learns it now, and tells the others.
    if (outcome === "unchanged") return deps.delivery.markAcked(e.deviceId, e.signalId);
    if (outcome === "created") {
      deps.delivery.markAcked(e.deviceId, e.signalId);
      deps.metrics.deliverySeconds.observe(Math.max(0, e.ackedAt.getTime() - approvedAtMs) / 1000);
    }
    if (e.status === "filled") deps.delivery.markFilled(e.deviceId, e.signalId, e.brokerTicket ?? "");
    deps.metrics.executions.inc({ status: e.status });
    // Written by a group-commit batch (or one statement) that has committed by now.
    deps.events.committed("executions.reported", {
      executionId: e.id,
      signalId: e.signalId,
      deviceId: e.deviceId,
      userId: e.userId,
      type,
    });
  }

  const report = (device: DeviceIdentity, signalId: string) => {
    const at = clock.now();
    return { id: newId("exe", at.getTime()), signalId, deviceId: device.id, userId: device.userId, at };
  };

  return {
    /** First ACK creates the execution (201); repeats return it unchanged (200). */
    async ack(device: DeviceIdentity, signalId: string) {
      const approvedAt = await approvalTime(device, signalId);
      const { execution, outcome } = await acks.submit(report(device, signalId));
      recorded(execution, outcome, "ack", approvedAt);
      return { execution: toExecutionView(execution), created: outcome === "created" };
    },

    /** Fills once; the same fill again is 200, anything else after a final state is 409. */
    async fill(device: DeviceIdentity, input: FillInput) {
      notAhead(clock.now(), { filledAt: input.filledAt });
      const approvedAt = await approvalTime(device, input.signalId);
      const r = report(device, input.signalId);
      const fill = { ...input, filledAt: input.filledAt ?? r.at };
      const { execution, outcome } = await fills.submit({ ...r, ...fill });
      if (outcome === "unchanged" && !sameFill(execution, fill)) throw ExecutionErrors.alreadyFinal();
      recorded(execution, outcome, "fill", approvedAt);
      return { execution: toExecutionView(execution), created: outcome !== "unchanged" };
    },

    async fail(device: DeviceIdentity, input: { signalId: string; code: number; message: string }) {
      const approvedAt = await approvalTime(device, input.signalId);
      const { execution, outcome } = await repo.fail(report(device, input.signalId), input);
      if (outcome === "unchanged" && !sameError(execution, input)) throw ExecutionErrors.alreadyFinal();
      recorded(execution, outcome, "error", approvedAt);
      return { execution: toExecutionView(execution), created: outcome !== "unchanged" };
    },

    /**
     * A device's result for an update it holds the position of: first report 201, the same
     * report again 200, a different one 409 (results are final); anything it was not sent 404.
     */
    async reportUpdateResult(device: DeviceIdentity, input: UpdateResultInput) {
      const stored = await repo.insertUpdateResult(device, input, clock.now());
      if (stored) {
        deps.delivery.markSettled(device.id, stored.signalId, stored.updateId);
        deps.events.committed("executions.update_reported", {
          updateId: stored.updateId,
          signalId: stored.signalId,
          deviceId: stored.deviceId,
          userId: stored.userId,
          status: stored.status,
        });
        return { result: toUpdateResultView(stored), created: true };
      }
      const existing = await repo.findUpdateResult(input.updateId, device.id);
      if (!existing) throw ExecutionErrors.updateNotFound();
      if (!sameResult(existing, input)) throw ExecutionErrors.alreadyFinal();
      // Offered again: an index that missed the first report learns it now.
      deps.delivery.markSettled(device.id, existing.signalId, existing.updateId);
      return { result: toUpdateResultView(existing), created: false };
    },

    /** The devices (and their owners) holding a signal's position. */
    holdersOf: (signalId: string) => repo.holdersOf(signalId),

    /** The facts a message about a device's update result needs, or undefined. */
    async resultFacts(e: { updateId: string; deviceId: string }) {
      const row = await repo.resultFacts(e.updateId, e.deviceId);
      return (
        row && {
          signal: row.signal,
          deviceName: row.deviceName,
          fillPrice: row.fillPrice,
          update: row.update,
          status: row.result.status,
          closePrice: row.result.closePrice,
          errorCode: row.result.errorCode,
          errorMessage: row.result.errorMessage,
        }
      );
    },

    /** A closed trade of the device's account; the same ticket again returns the first report. */
    async reportTrade(device: DeviceIdentity, input: TradeInput) {
      notAhead(clock.now(), { openedAt: input.openedAt, closedAt: input.closedAt });
      if (input.signalId) await approvalTime(device, input.signalId);
      const now = clock.now();
      const { trade, created } = await repo.insertTrade({
        id: newId("trd", now.getTime()),
        deviceId: device.id,
        userId: device.userId,
        ...input,
        signalId: input.signalId ?? null,
        createdAt: now,
      });
      return {
        created,
        trade: {
          id: trade.id,
          ticket: trade.ticket,
          signalId: trade.signalId,
          source: trade.signalId ? ("bot" as const) : ("manual" as const),
          profitMinor: trade.profitMinor,
          currency: trade.currency,
          closedAt: trade.closedAt.toISOString(),
        },
      };
    },

    /** Users see their own devices' executions of a signal addressed to them; admins see all. */
    async forSignal(viewer: Viewer, signalId: string) {
      const signal = await deps.signals.get(viewer, signalId);
      const admin = viewer.role === "admin";
      const [list, { updates, results }] = await Promise.all([
        repo.forSignal(signalId, admin ? undefined : viewer.id),
        repo.updatesWithResults(signalId, admin ? undefined : viewer.id),
      ]);
      const approved = admin ? (signal.decisions?.approved ?? 0) : signal.decision === "approved" ? 1 : 0;
      return {
        summary: summarise(list, admin ? signal.recipients : 1, approved, results),
        items: list.map((e) => ({
          ...toExecutionView(e),
          deviceName: e.deviceName,
          events: e.events.map(toEventView),
          updates: updatesOnDevice(e, updates, results),
        })),
      };
    },

    /** The admin's dispute report: a user's closed trades over the last `days`, bot vs manual. */
    async attributionFor(userId: string, days: number) {
      if (!(await deps.users.findById(userId))) throw ExecutionErrors.userNotFound();
      const since = new Date(clock.now().getTime() - days * 86_400_000);
      return { userId, days, since: since.toISOString(), ...attribution(await repo.tradesOf(userId, since)) };
    },
  };
}
