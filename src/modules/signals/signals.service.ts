import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import type { Approval, Events } from "../../shared/events";
import { newId } from "../../shared/ids";
import { withTransaction } from "../../shared/unit-of-work";
import type { AuditService } from "../audit/audit.service";
import { SignalErrors } from "./signals.errors";
import {
  autoApproves,
  type Decision,
  isAddressed,
  requestHash,
  type SignalInput,
  signalStatus,
} from "./signals.models";
import { signalsRepository } from "./signals.repository";
import type { SignalRow } from "./signals.table";
import { type SignalView, toSignalView } from "./signals.views";

/** Who publishes: an admin by bearer token, or a producer by signature. */
export type Publisher = { kind: "admin"; userId: string } | { kind: "producer"; producerId: string };
export interface Viewer {
  id: string;
  role: "user" | "admin";
}
export type { Approval } from "../../shared/events";

export type SignalsService = ReturnType<typeof createSignalsService>;

const countsFor = (counts: Map<string, Record<Decision, number>> | undefined, signalId: string) =>
  counts ? (counts.get(signalId) ?? { pending: 0, approved: 0, rejected: 0 }) : undefined;

export function createSignalsService(deps: {
  db: Executor;
  clock: Clock;
  audit: AuditService;
  events: Events;
  /** Counts signals published (a metric). */
  publishedTotal?: { inc(): void };
}) {
  const { db, clock } = deps;
  const repo = signalsRepository(db);
  const scopeOf = (p: Publisher) => (p.kind === "producer" ? p.producerId : "admin");

  /** A repeat of an idempotent publish: the first signal when the body matches, else 409. */
  async function replay(existing: SignalRow, hash: string): Promise<{ signal: SignalView; created: false }> {
    if (existing.requestHash !== hash) throw SignalErrors.externalIdConflict();
    return { signal: toSignalView(existing, clock.now()), created: false };
  }

  async function insertWithRecipients(publisher: Publisher, input: SignalInput, hash: string) {
    const now = clock.now();
    const entitled = (await repo.entitledUsers(now)).filter((u) => isAddressed(u, input.minTier));
    return withTransaction(deps, async (uow) => {
      const { tx } = uow;
      const txRepo = signalsRepository(tx);
      const signal = await txRepo.insertUnlessDuplicate({
        id: newId("sig", now.getTime()),
        publisherScope: scopeOf(publisher),
        requestHash: hash,
        publishedByKind: publisher.kind,
        publishedBy: publisher.kind === "admin" ? publisher.userId : publisher.producerId,
        ...input,
        initialStopLoss: input.stopLoss,
        initialTakeProfit: input.takeProfit,
        recipientCount: entitled.length,
        createdAt: now,
        expiresAt: new Date(now.getTime() + input.ttlSeconds * 1000),
      });
      if (!signal) return undefined;
      const recipients = entitled.map((u) => ({
        userId: u.userId,
        auto: autoApproves(u.autoApprove, u.features),
      }));
      await txRepo.insertRecipients(signal.id, now, recipients);
      await deps.audit.record(
        {
          actorId: publisher.kind === "admin" ? publisher.userId : publisher.producerId,
          actorKind: publisher.kind,
          action: "signals.published",
          subjectType: "signal",
          subjectId: signal.id,
          data: { recipients: recipients.length, autoApproved: recipients.filter((r) => r.auto).length },
        },
        tx,
      );
      await uow.emit("signals.published", {
        signal,
        recipients: recipients.map((r) => ({ userId: r.userId, autoApproved: r.auto })),
        approvals: recipients.filter((r) => r.auto).map((r) => ({ userId: r.userId, decidedAt: now })),
      });
      if (deps.publishedTotal) uow.afterCommit(() => deps.publishedTotal?.inc());
      return { signal, recipients };
    });
  }

  return {
    /**
     * Publishes and addresses a signal to the users entitled to it right now. The same
     * externalId again returns the first signal (created false) or, with another body, 409.
     */
    async publish(
      publisher: Publisher,
      input: SignalInput,
    ): Promise<{ signal: SignalView; created: boolean }> {
      const hash = requestHash(input);
      const scope = scopeOf(publisher);
      if (input.externalId) {
        const existing = await repo.findByExternalId(scope, input.externalId);
        if (existing) return replay(existing, hash);
      }
      const result = await insertWithRecipients(publisher, input, hash);
      if (!result) return replay((await repo.findByExternalId(scope, input.externalId!))!, hash);

      return { signal: toSignalView(result.signal, clock.now()), created: true };
    },

    /** One decision per recipient, while the signal is open; audited. */
    async decide(userId: string, signalId: string, choice: "approve" | "reject") {
      const decision = choice === "approve" ? ("approved" as const) : ("rejected" as const);
      const now = clock.now();
      const decided = await withTransaction(deps, async (uow) => {
        const { tx } = uow;
        const row = await signalsRepository(tx).decide(signalId, userId, decision, now);
        if (row) {
          await deps.audit.record(
            {
              actorId: userId,
              actorKind: "user",
              action: `signals.${decision}`,
              subjectType: "signal",
              subjectId: signalId,
            },
            tx,
          );
          const signal = (await signalsRepository(tx).findById(signalId))!;
          await uow.emit("signals.decided", { signal, userId, decision, decidedAt: now });
        }
        return row;
      });
      if (!decided) {
        const [recipient, signal] = await Promise.all([
          repo.recipient(signalId, userId),
          repo.findById(signalId),
        ]);
        if (!recipient || !signal) throw SignalErrors.notFound();
        if (recipient.decision !== "pending") throw SignalErrors.alreadyDecided();
        if (signal.positionStatus === "closed" && !signal.cancelledAt) throw SignalErrors.closed();
        throw signalStatus(signal, now) === "cancelled" ? SignalErrors.cancelled() : SignalErrors.expired();
      }
      return { signalId, decision, decidedAt: now.toISOString() };
    },

    /** Cancels an open signal: devices that have not ACKed it stop seeing it. Repeats are no-ops. */
    async cancel(adminId: string, signalId: string): Promise<SignalView> {
      const now = clock.now();
      const cancelled = await withTransaction(deps, async (uow) => {
        const { tx } = uow;
        const row = await signalsRepository(tx).cancel(signalId, adminId, now);
        if (row) {
          await deps.audit.record(
            {
              actorId: adminId,
              actorKind: "admin",
              action: "signals.cancelled",
              subjectType: "signal",
              subjectId: signalId,
            },
            tx,
          );
          await uow.emit("signals.cancelled", { signalId });
        }
        return row;
      });
      const updates = (await repo.updatesOf([signalId])).get(signalId);
      if (cancelled) return toSignalView(cancelled, now, { updates });
      const existing = await repo.findById(signalId);
      if (!existing) throw SignalErrors.notFound();
      if (existing.cancelledAt) return toSignalView(existing, now, { updates });
      if (existing.positionStatus === "closed") throw SignalErrors.closed();
      if (signalStatus(existing, now) === "expired") throw SignalErrors.expired();
      return toSignalView(existing, now, { updates });
    },

    /** Newest first, keyset-paginated; users see what was addressed to them, admins everything. */
    async list(viewer: Viewer, opts: { limit: number; cursor?: string }) {
      const rows = await repo.list(
        { id: viewer.id, all: viewer.role === "admin" },
        { before: opts.cursor, limit: opts.limit + 1 },
      );
      const page = rows.slice(0, opts.limit);
      const ids = page.map((r) => r.id);
      const [counts, updates] = await Promise.all([
        viewer.role === "admin" ? repo.decisionCounts(ids) : undefined,
        repo.updatesOf(ids),
      ]);
      const now = clock.now();
      return {
        items: page.map((r) =>
          toSignalView(r, now, {
            decision: r.decision,
            counts: countsFor(counts, r.id),
            updates: updates.get(r.id),
          }),
        ),
        nextCursor: rows.length > opts.limit ? page.at(-1)!.id : null,
      };
    },

    /** A recipient or an admin sees the signal; anyone else gets 404. */
    async get(viewer: Viewer, signalId: string): Promise<SignalView> {
      const [row] = await repo.list(
        { id: viewer.id, all: viewer.role === "admin" },
        { id: signalId, limit: 1 },
      );
      if (!row) throw SignalErrors.notFound();
      const [counts, updates] = await Promise.all([
        viewer.role === "admin" ? repo.decisionCounts([row.id]) : undefined,
        repo.updatesOf([row.id]),
      ]);
      return toSignalView(row, clock.now(), {
        decision: row.decision,
        counts: countsFor(counts, row.id),
        updates: updates.get(row.id),
      });
    },

    /** Whether the user approved the signal (whatever its state now): devices may only report on those. */
    async approvalOf(signalId: string, userId: string): Promise<Approval | undefined> {
      const recipient = await repo.recipient(signalId, userId);
      return recipient?.decision === "approved" ? { userId, decidedAt: recipient.decidedAt! } : undefined;
    },

    openApprovals: (filter: { signalId?: string; userIds?: string[] } = {}) =>
      repo.openApprovals(clock.now(), filter),
  };
}
