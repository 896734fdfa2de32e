import { index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";
import { entitlements } from "../entitlements/entitlements.table";
import { users } from "../users/users.table";
import { NOTICE_KINDS } from "./renewals.models";

/**
 * The renewal notices that went out: one row per (last period of a plan, kind). The primary key
 * is what makes each reminder and each "access ended" go out once, across restarts and
 * instances; the row is written in the transaction that queues the message.
 */
export const renewalNotices = pgTable(
  "renewal_notices",
  {
    entitlementId: text("entitlement_id")
      .notNull()
      .references(() => entitlements.id),
    kind: text("kind", { enum: NOTICE_KINDS }).notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    sentAt: tstz("sent_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.entitlementId, t.kind] }), index("renewal_notices_user_idx").on(t.userId)],
);

export type RenewalNoticeRow = typeof renewalNotices.$inferSelect;
