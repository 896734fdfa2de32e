import { sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import type { Events } from "../../shared/events";
import { ONLINE_WINDOW_MS } from "../devices/devices.models";
import { devices } from "../devices/devices.table";
import { executions } from "../executions/executions.table";
import { signalRecipients, signals } from "../signals/signals.table";

/**
 * SPEC.md: when a device with approved but un-ACKed signals goes offline, its owner is told
 * once. The claim is one conditional UPDATE, so with several instances sweeping, exactly one
 * of them emits the notification for each offline spell.
 */
export async function claimOfflineWithPending(deps: { db: Executor; clock: Clock; events: Events }) {
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - ONLINE_WINDOW_MS);
  const pending = sql`
    select count(*)::int from ${signalRecipients} r
    join ${signals} s on s.id = r.signal_id
    where r.user_id = ${devices.userId} and r.decision = 'approved'
      and s.cancelled_at is null and s.position_status = 'open' and s.expires_at > ${now.toISOString()}::timestamptz
      and not exists (select 1 from ${executions} e where e.signal_id = s.id and e.device_id = ${devices.id})`;
  const result = await deps.db.execute(sql`
    update ${devices} set offline_notified_at = ${now.toISOString()}::timestamptz
    where ${devices.revokedAt} is null
      and ${devices.lastSeenAt} < ${cutoff.toISOString()}::timestamptz
      and (${devices.offlineNotifiedAt} is null or ${devices.offlineNotifiedAt} <= ${devices.lastSeenAt})
      and (${pending}) > 0
    returning ${devices.id} as id, ${devices.userId} as user_id, ${devices.name} as name, (${pending}) as pending`);
  const rows = (
    result as unknown as { rows: { id: string; user_id: string; name: string; pending: number }[] }
  ).rows;
  // The claim is a single statement that has committed: its reactions may run now.
  for (const row of rows) {
    deps.events.committed("devices.offline_with_pending", {
      deviceId: row.id,
      userId: row.user_id,
      deviceName: row.name,
      pending: row.pending,
    });
  }
  return rows.length;
}
