import { and, asc, eq, gte, inArray, type SQL, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { devices } from "../devices/devices.table";
import {
  type ExecutionEventRow,
  type ExecutionRow,
  executionEvents,
  executions,
  type TradeRow,
  trades,
} from "./executions.table";

export type Raw = Record<string, unknown>;

// Raw statements take times as ISO strings with an explicit cast: both drivers agree on those.
const ts = (at: Date) => sql`${at.toISOString()}::timestamptz`;

/** Rows of raw statements come back with column names; map them to the Drizzle row shape. */
export const toExecution = (r: Raw): ExecutionRow => ({
  id: r.id as string,
  signalId: r.signal_id as string,
  deviceId: r.device_id as string,
  userId: r.user_id as string,
  status: r.status as ExecutionRow["status"],
  price: r.price as number | null,
  volume: r.volume as number | null,
  brokerTicket: r.broker_ticket as string | null,
  errorCode: r.error_code as number | null,
  errorMessage: r.error_message as string | null,
  ackedAt: new Date(r.acked_at as Date),
  filledAt: r.filled_at ? new Date(r.filled_at as Date) : null,
  failedAt: r.failed_at ? new Date(r.failed_at as Date) : null,
  updatedAt: new Date(r.updated_at as Date),
});

export interface Report {
  id: string;
  signalId: string;
  deviceId: string;
  userId: string;
  at: Date;
}

/** `created`: a new execution; `advanced`: an ACKed one became final; `unchanged`: nothing written. */
export type Outcome = "created" | "advanced" | "unchanged";

export function executionsRepository(db: Executor) {
  const rowsOf = async (query: SQL) => ((await db.execute(query)) as unknown as { rows: Raw[] }).rows;

  async function find(signalId: string, deviceId: string): Promise<ExecutionRow | undefined> {
    const [row] = await db
      .select()
      .from(executions)
      .where(and(eq(executions.signalId, signalId), eq(executions.deviceId, deviceId)))
      .limit(1);
    return row;
  }

  /**
   * One statement per report: the upsert and its events commit together in a single round
   * trip. `final` holds the new status's columns; only an ACKed execution may take them.
   */
  async function report(r: Report, type: "fill" | "error", final: SQL, data: Record<string, unknown>) {
    const rows = await rowsOf(sql`
      with up as (${final}),
      ev as (
        insert into ${executionEvents} (execution_id, type, at, data)
        select up.id, t.type, ${ts(r.at)}, t.data from up
        cross join (values (1, 'ack', '{}'::jsonb), (2, ${type}, ${JSON.stringify(data)}::jsonb)) as t(ord, type, data)
        where t.type <> 'ack' or up.inserted
        order by t.ord
      )
      select * from up`);
    const [row] = rows;
    if (row)
      return { execution: toExecution(row), outcome: (row.inserted ? "created" : "advanced") as Outcome };
    return { execution: (await find(r.signalId, r.deviceId))!, outcome: "unchanged" as Outcome };
  }

  return {
    find,
    fail(r: Report, e: { code: number; message: string }) {
      return report(
        r,
        "error",
        sql`insert into ${executions}
            (id, signal_id, device_id, user_id, status, error_code, error_message, acked_at, failed_at, updated_at)
          values (${r.id}, ${r.signalId}, ${r.deviceId}, ${r.userId}, 'failed', ${e.code}, ${e.message},
            ${ts(r.at)}, ${ts(r.at)}, ${ts(r.at)})
          on conflict (signal_id, device_id) do update set status = 'failed', error_code = excluded.error_code,
            error_message = excluded.error_message, failed_at = excluded.failed_at, updated_at = excluded.updated_at
          where ${executions}.status = 'acked'
          returning *, (xmax = 0) as inserted`,
        { code: e.code, message: e.message },
      );
    },

    /** Executions of a signal (optionally one user's), with device names and events in order. */
    async forSignal(signalId: string, userId?: string) {
      const rows = await db
        .select({ execution: executions, deviceName: devices.name })
        .from(executions)
        .innerJoin(devices, eq(devices.id, executions.deviceId))
        .where(and(eq(executions.signalId, signalId), userId ? eq(executions.userId, userId) : undefined))
        .orderBy(asc(executions.id));
      const ids = rows.map((r) => r.execution.id);
      const events: ExecutionEventRow[] = ids.length
        ? await db
            .select()
            .from(executionEvents)
            .where(inArray(executionEvents.executionId, ids))
            .orderBy(asc(executionEvents.id))
        : [];
      return rows.map((r) => ({
        ...r.execution,
        deviceName: r.deviceName,
        events: events.filter((e) => e.executionId === r.execution.id),
      }));
    },

    /** Inserts a trade unless the device reported this ticket before; returns the stored one. */
    async insertTrade(trade: typeof trades.$inferInsert): Promise<{ trade: TradeRow; created: boolean }> {
      const [created] = await db.insert(trades).values(trade).onConflictDoNothing().returning();
      if (created) return { trade: created, created: true };
      const [existing] = await db
        .select()
        .from(trades)
        .where(and(eq(trades.deviceId, trade.deviceId), eq(trades.ticket, trade.ticket)));
      return { trade: existing!, created: false };
    },

    async tradesOf(userId: string, since: Date): Promise<TradeRow[]> {
      return db
        .select()
        .from(trades)
        .where(and(eq(trades.userId, userId), gte(trades.closedAt, since)))
        .orderBy(asc(trades.closedAt), asc(trades.id));
    },
  };
}
