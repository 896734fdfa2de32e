import type { Executor } from "../db/client";
import type { Events, UnitOfWork } from "./events";

export type { UnitOfWork } from "./events";

/**
 * Runs `work` in one transaction and, once it has committed, the work it queued with
 * `afterCommit` and the after-commit reactions of the events it emitted, in that order. If the
 * transaction rolls back, none of them runs. Every write that announces something goes through
 * here, so nobody has to remember to publish after a commit.
 *
 * Given the caller's unit of work (`within`), `work` joins it: same transaction, and its
 * after-commit work waits for the caller's commit.
 */
export async function withTransaction<T>(
  deps: { db: Executor; events: Events },
  work: (uow: UnitOfWork) => Promise<T>,
  within?: UnitOfWork,
): Promise<T> {
  if (within) return work(within);
  const queued: (() => void)[] = [];
  const result = await deps.db.transaction(async (tx) => {
    const uow: UnitOfWork = {
      tx,
      afterCommit(fn) {
        queued.push(() => deps.events.run("after commit", fn));
      },
      async emit(event, payload) {
        await deps.events.runInTransaction(event, payload, uow);
        queued.push(() => deps.events.dispatch(event, payload));
      },
    };
    return work(uow);
  });
  for (const fn of queued) fn();
  return result;
}
