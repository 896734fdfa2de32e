import { and, asc, eq, gte, inArray, type SQL, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { devices } from "../devices/devices.table";
import { type SignalUpdateRow, signals, signalUpdates } from "../signals/signals.table";
import type { UpdateResultInput } from "./executions.models";
import {
  type ExecutionEventRow,
  type ExecutionRow,
  executionEvents,
  executions,
  type TradeRow,
  trades,
  type UpdateResultRow,
  updateResults,
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

    /**
     * Stores a device's first result for an update, in one statement: only an update of a signal
     * this device filled qualifies. Undefined when nothing was written (a repeat, or not sent).
     */
    async insertUpdateResult(
      device: { id: string },
      input: UpdateResultInput,
      at: Date,
    ): Promise<UpdateResultRow | undefined> {
      const rows = await rowsOf(sql`
        insert into ${updateResults} (update_id, device_id, execution_id, signal_id, user_id, status,
          error_code, error_message, closed_volume, close_price, reported_at)
        select u.id, e.device_id, e.id, e.signal_id, e.user_id, ${input.status}::text, ${input.errorCode ?? null}::int,
          ${input.errorMessage ?? null}::text, ${input.closedVolume ?? null}::float8, ${input.closePrice ?? null}::float8,
          ${ts(at)}
        from ${signalUpdates} u
        join ${executions} e on e.signal_id = u.signal_id and e.device_id = ${device.id} and e.status = 'filled'
        where u.id = ${input.updateId}
        on conflict (update_id, device_id) do nothing
        returning *`);
      const [r] = rows;
      if (!r) return undefined;
      return {
        updateId: r.update_id as string,
        deviceId: r.device_id as string,
        executionId: r.execution_id as string,
        signalId: r.signal_id as string,
        userId: r.user_id as string,
        status: r.status as UpdateResultRow["status"],
        errorCode: r.error_code as number | null,
        errorMessage: r.error_message as string | null,
        closedVolume: r.closed_volume as number | null,
        closePrice: r.close_price as number | null,
        reportedAt: new Date(r.reported_at as Date),
      };
    },
    async findUpdateResult(updateId: string, deviceId: string): Promise<UpdateResultRow | undefined> {
      const [row] = await db
        .select()
        .from(updateResults)
        .where(and(eq(updateResults.updateId, updateId), eq(updateResults.deviceId, deviceId)))
        .limit(1);
      return row;
    },
    /** The devices holding a signal's position (their execution is filled), with their owners. */
    async holdersOf(signalId: string) {
      return db
        .select({ userId: executions.userId, deviceId: executions.deviceId, deviceName: devices.name })
        .from(executions)
        .innerJoin(devices, eq(devices.id, executions.deviceId))
        .where(and(eq(executions.signalId, signalId), eq(executions.status, "filled")));
    },
    /** What a message about one device's result needs: the update, the signal, the device and its fill. */
    async resultFacts(updateId: string, deviceId: string) {
      const [row] = await db
        .select({
          result: updateResults,
          update: signalUpdates,
          signal: { instrument: signals.instrument, side: signals.side, entryPrice: signals.entryPrice },
          deviceName: devices.name,
          fillPrice: executions.price,
        })
        .from(updateResults)
        .innerJoin(signalUpdates, eq(signalUpdates.id, updateResults.updateId))
        .innerJoin(signals, eq(signals.id, updateResults.signalId))
        .innerJoin(executions, eq(executions.id, updateResults.executionId))
        .innerJoin(devices, eq(devices.id, updateResults.deviceId))
        .where(and(eq(updateResults.updateId, updateId), eq(updateResults.deviceId, deviceId)))
        .limit(1);
      return row;
    },
    /** A signal's updates and every device's results for them (optionally one user's devices). */
    async updatesWithResults(
      signalId: string,
      userId?: string,
    ): Promise<{ updates: SignalUpdateRow[]; results: UpdateResultRow[] }> {
      const [updates, results] = await Promise.all([
        db
          .select()
          .from(signalUpdates)
          .where(eq(signalUpdates.signalId, signalId))
          .orderBy(asc(signalUpdates.seq)),
        db
          .select()
          .from(updateResults)
          .where(
            and(eq(updateResults.signalId, signalId), userId ? eq(updateResults.userId, userId) : undefined),
          ),
      ]);
      return { updates, results };
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
