import { index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";

/** Append-only: a trigger (migration 0001) refuses UPDATE and DELETE. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    actorId: text("actor_id"),
    actorKind: text("actor_kind", {
      enum: ["user", "admin", "system", "cli", "producer", "device"],
    }).notNull(),
    action: text("action").notNull(),
    subjectType: text("subject_type"),
    subjectId: text("subject_id"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    at: tstz("at").notNull(),
  },
  (t) => [index("audit_log_subject_idx").on(t.subjectType, t.subjectId), index("audit_log_at_idx").on(t.at)],
);
