import { and, desc, eq, isNull } from "drizzle-orm";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import { newId } from "../../shared/ids";
import { deriveSecret } from "../../shared/signing";
import type { AuditService } from "../audit/audit.service";
import { ProducerErrors } from "./producers.errors";
import { type ProducerRow, producers } from "./producers.table";

/** Who creates or revokes a producer: an admin (by user id) or the operator's CLI. */
export type ProducerActor = { kind: "admin"; id: string } | { kind: "cli" };

export interface ProducerView {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

export type ProducersService = ReturnType<typeof createProducersService>;

const toView = (row: ProducerRow): ProducerView => ({
  id: row.id,
  name: row.name,
  createdAt: row.createdAt.toISOString(),
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

export function createProducersService(deps: {
  db: Executor;
  clock: Clock;
  masterKey: string;
  audit: AuditService;
}) {
  const { db, clock } = deps;
  const secretOf = (row: Pick<ProducerRow, "id" | "keyVersion">) =>
    deriveSecret(deps.masterKey, "producer", row.id, row.keyVersion);
  const audit = (actor: ProducerActor, action: string, producerId: string, executor: Executor) =>
    deps.audit.record(
      {
        actorId: actor.kind === "admin" ? actor.id : null,
        actorKind: actor.kind,
        action,
        subjectType: "producer",
        subjectId: producerId,
      },
      executor,
    );

  return {
    /** Creates a producer key; the secret is shown here once and derived again when verifying. */
    async create(actor: ProducerActor, name: string): Promise<{ id: string; name: string; secret: string }> {
      const row = await db.transaction(async (tx) => {
        const now = clock.now();
        const [created] = await tx
          .insert(producers)
          .values({
            id: newId("pro", now.getTime()),
            name,
            createdBy: actor.kind === "admin" ? actor.id : null,
            createdAt: now,
          })
          .returning();
        await audit(actor, "producers.created", created!.id, tx);
        return created!;
      });
      return { id: row.id, name: row.name, secret: secretOf(row) };
    },

    async revoke(actor: ProducerActor, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        const [revoked] = await tx
          .update(producers)
          .set({ revokedAt: clock.now() })
          .where(and(eq(producers.id, id), isNull(producers.revokedAt)))
          .returning();
        if (revoked) return audit(actor, "producers.revoked", id, tx);
        const [existing] = await tx.select().from(producers).where(eq(producers.id, id));
        if (!existing) throw ProducerErrors.notFound();
      });
    },

    async list(): Promise<ProducerView[]> {
      return (await db.select().from(producers).orderBy(desc(producers.id))).map(toView);
    },

    /** The signing secret of an active producer, or null (unknown or revoked). */
    async secretFor(id: string): Promise<string | null> {
      const [row] = await db
        .select()
        .from(producers)
        .where(and(eq(producers.id, id), isNull(producers.revokedAt)))
        .limit(1);
      return row ? secretOf(row) : null;
    },
  };
}
