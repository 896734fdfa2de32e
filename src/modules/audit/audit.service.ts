import { and, desc, eq } from "drizzle-orm";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import { newId } from "../../shared/ids";
import { auditLog } from "./audit.table";

export interface AuditEntry {
  actorId: string | null;
  actorKind: (typeof auditLog.$inferInsert)["actorKind"];
  action: string;
  subjectType?: string;
  subjectId?: string;
  data?: Record<string, unknown>;
}

export type AuditService = ReturnType<typeof createAuditService>;

/**
 * Admin and security-relevant actions, appended in the caller's transaction so an action and
 * its audit row commit (or roll back) together.
 */
export function createAuditService(deps: { db: Executor; clock: Clock }) {
  return {
    async record(entry: AuditEntry, executor: Executor = deps.db): Promise<void> {
      const at = deps.clock.now();
      await executor.insert(auditLog).values({
        id: newId("aud", at.getTime()),
        actorId: entry.actorId,
        actorKind: entry.actorKind,
        action: entry.action,
        subjectType: entry.subjectType ?? null,
        subjectId: entry.subjectId ?? null,
        data: entry.data ?? {},
        at,
      });
    },
    async listForSubject(subjectType: string, subjectId: string) {
      return deps.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.subjectType, subjectType), eq(auditLog.subjectId, subjectId)))
        .orderBy(desc(auditLog.id));
    },
  };
}
