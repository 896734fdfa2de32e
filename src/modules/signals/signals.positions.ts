import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import { CommonErrors } from "../../shared/errors";
import type { Events } from "../../shared/events";
import { newId } from "../../shared/ids";
import { withTransaction } from "../../shared/unit-of-work";
import type { AuditService } from "../audit/audit.service";
import { SignalErrors } from "./signals.errors";
import { modifyPriceProblems, type UpdateInput, updateRequestHash } from "./signals.models";
import { signalsRepository } from "./signals.repository";
import type { Publisher } from "./signals.service";
import type { SignalRow, SignalUpdateRow } from "./signals.table";
import { type SignalUpdateView, toUpdateView } from "./signals.views";

export type PositionsService = ReturnType<typeof createPositionsService>;

/** Thrown inside the transaction to roll it back when a concurrent twin took the externalId. */
class ExternalIdTaken extends Error {}

const scopeOf = (p: Publisher) => (p.kind === "producer" ? p.producerId : "admin");
const actorOf = (p: Publisher) => (p.kind === "producer" ? p.producerId : p.userId);

/** The admin manages every signal; a producer only the ones it published. Others see nothing. */
const manages = (p: Publisher, s: SignalRow) =>
  p.kind === "admin" || (s.publishedByKind === "producer" && s.publishedBy === p.producerId);

/**
 * The position a signal opens, after the entry (API.md §10): the publisher moves the stop loss
 * and take profit, closes a fraction or closes it. Updates of one signal are serialised by a
 * lock on the signal row, which also carries the latest SL/TP and the next seq, so two
 * concurrent closes cannot both succeed and every device sees one order.
 */
export function createPositionsService(deps: {
  db: Executor;
  clock: Clock;
  audit: AuditService;
  events: Events;
}) {
  const { db, clock } = deps;
  const repo = signalsRepository(db);

  function replay(existing: SignalUpdateRow, hash: string) {
    if (existing.requestHash !== hash) throw SignalErrors.externalIdConflict();
    return { update: toUpdateView(existing), created: false };
  }

  async function apply(publisher: Publisher, signalId: string, input: UpdateInput, hash: string) {
    return withTransaction(deps, async (uow) => {
      const txRepo = signalsRepository(uow.tx);
      const signal = await txRepo.lockForUpdate(signalId);
      if (!signal || !manages(publisher, signal)) throw SignalErrors.notFound();
      // A twin of this request may have committed while this one waited for the lock.
      if (input.externalId) {
        const twin = await txRepo.findUpdateByExternalId(scopeOf(publisher), input.externalId);
        if (twin) return { twin, created: undefined };
      }
      if (signal.cancelledAt) throw SignalErrors.cancelled();
      if (signal.positionStatus === "closed") throw SignalErrors.closed();
      if (input.action === "modify") {
        const problems = modifyPriceProblems(signal, input);
        if (problems.length > 0)
          throw CommonErrors.invalid("The new prices are on the wrong side", { errors: problems });
      }
      const now = clock.now();
      const seq = signal.lastUpdateSeq + 1;
      const closing = input.action === "close";
      const recorded = await txRepo.recordUpdate(
        {
          id: signal.id,
          lastUpdateSeq: seq,
          stopLoss: input.stopLoss ?? signal.stopLoss,
          takeProfit: input.takeProfit ?? signal.takeProfit,
          ...(closing ? { positionStatus: "closed" as const, closedAt: now } : {}),
        },
        {
          id: newId("upd", now.getTime()),
          signalId,
          seq,
          action: input.action,
          stopLoss: input.stopLoss,
          takeProfit: input.takeProfit,
          fraction: input.fraction,
          note: input.note,
          publisherScope: scopeOf(publisher),
          externalId: input.externalId,
          requestHash: hash,
          createdByKind: publisher.kind,
          createdBy: actorOf(publisher),
          createdAt: now,
        },
      );
      if (!recorded) throw new ExternalIdTaken();
      await deps.audit.record(
        {
          actorId: actorOf(publisher),
          actorKind: publisher.kind,
          action: `signals.${input.action}`,
          subjectType: "signal",
          subjectId: signalId,
          data: { seq, stopLoss: input.stopLoss, takeProfit: input.takeProfit, fraction: input.fraction },
        },
        uow.tx,
      );
      await uow.emit("signals.updated", {
        signal: recorded.signal,
        update: recorded.update,
        previous: { stopLoss: signal.stopLoss, takeProfit: signal.takeProfit },
      });
      return { created: recorded.update, twin: undefined };
    });
  }

  return {
    /**
     * Applies one update: 201 with it, or the first update again (created false) when the same
     * externalId comes back with the same body; a different body → 409.
     */
    async update(
      publisher: Publisher,
      signalId: string,
      input: UpdateInput,
    ): Promise<{ update: SignalUpdateView; created: boolean }> {
      const hash = updateRequestHash(signalId, input);
      const scope = scopeOf(publisher);
      if (input.externalId) {
        const existing = await repo.findUpdateByExternalId(scope, input.externalId);
        if (existing) return replay(existing, hash);
      }
      try {
        const result = await apply(publisher, signalId, input, hash);
        if (!result.created) return replay(result.twin!, hash);
        return { update: toUpdateView(result.created), created: true };
      } catch (err) {
        if (!(err instanceof ExternalIdTaken)) throw err;
        return replay((await repo.findUpdateByExternalId(scope, input.externalId!))!, hash);
      }
    },

    /** Open positions (not cancelled, not closed), newest first; optionally on one instrument. */
    openPositions: (opts: { instrument?: string; limit: number }) => repo.openPositions(opts),

    /** The publisher's signal an alert manages: by its externalId, else its newest open one. */
    async positionFor(publisher: Publisher, instrument: string | null, ref: string | null): Promise<string> {
      const scope = scopeOf(publisher);
      const signal = ref
        ? await repo.findByExternalId(scope, ref)
        : instrument
          ? await repo.latestOpenPosition(scope, instrument)
          : undefined;
      if (!signal) throw SignalErrors.noOpenPosition();
      return signal.id;
    },
  };
}
