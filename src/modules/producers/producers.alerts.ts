import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import type { AuditService } from "../audit/audit.service";
import { ProducerErrors } from "./producers.errors";
import { producers } from "./producers.table";

export const ALERT_PATH = "/api/v1/hooks/alerts/";

/** Tokens are stored only as this hash: a copy of the database cannot post alerts. */
export const alertTokenHash = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

export type AlertUrlsService = ReturnType<typeof createAlertUrlsService>;

/**
 * One secret URL per producer for tools that cannot sign requests (TradingView alerts): the
 * token in the path is the credential. Issuing a new URL replaces (and so disables) the old one.
 */
export function createAlertUrlsService(deps: {
  db: Executor;
  clock: Clock;
  audit: AuditService;
  publicUrl: string;
}) {
  return {
    async issue(
      actor: { kind: "admin"; id: string } | { kind: "cli" },
      producerId: string,
    ): Promise<{ url: string }> {
      const token = randomBytes(32).toString("base64url");
      await deps.db.transaction(async (tx) => {
        const [row] = await tx
          .update(producers)
          .set({ alertTokenHash: alertTokenHash(token) })
          .where(and(eq(producers.id, producerId), isNull(producers.revokedAt)))
          .returning({ id: producers.id });
        if (!row) throw ProducerErrors.notFound();
        await deps.audit.record(
          {
            actorId: actor.kind === "admin" ? actor.id : null,
            actorKind: actor.kind,
            action: "producers.alert_url_issued",
            subjectType: "producer",
            subjectId: producerId,
          },
          tx,
        );
      });
      return { url: `${deps.publicUrl}${ALERT_PATH}${token}` };
    },

    /** The active producer whose current alert token this is, or undefined. */
    async producerFor(token: string): Promise<{ id: string; tokenHash: string } | undefined> {
      const hash = alertTokenHash(token);
      const [row] = await deps.db
        .select({ id: producers.id })
        .from(producers)
        .where(and(eq(producers.alertTokenHash, hash), isNull(producers.revokedAt)))
        .limit(1);
      return row && { id: row.id, tokenHash: hash };
    },
  };
}
