import { type SQL, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { type Outcome, type Raw, type Report, toExecution } from "./executions.repository";
import { type ExecutionRow, executionEvents, executions } from "./executions.table";

const NEEDS_ESCAPE = /["\\]/;

/**
 * A PostgreSQL array literal; every element quoted, so any text (a broker ticket) is safe. Built
 * in one pass, escaping only the rare element that has a quote or a backslash: ten of these per
 * batch, written with a map and two replaceAll per element, were 1.6 % of the service's busy CPU
 * under the fill load (docs/perf/fills.md).
 */
function arrayLiteral(values: (string | number | null)[]): string {
  let literal = "{";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) literal += ",";
    if (v === null) {
      literal += "NULL";
      continue;
    }
    const text = String(v);
    literal += NEEDS_ESCAPE.test(text)
      ? `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`
      : `"${text}"`;
  }
  return `${literal}}`;
}

export interface FillReport extends Report {
  price: number;
  volume: number;
  brokerTicket: string;
  filledAt: Date;
}

const key = (r: { signalId: string; deviceId: string }) => `${r.signalId}\n${r.deviceId}`;

/**
 * ACKs and fills of many devices in one statement each: the batch's rows travel as a handful of
 * array parameters, the upsert and its events commit together, and PostgreSQL plans the
 * statement once for the whole batch. A batch never holds two reports for one (signal, device).
 */
export function executionReports(db: Executor) {
  const rowsOf = async (query: SQL) => ((await db.execute(query)) as unknown as { rows: Raw[] }).rows;

  /** Outcomes in input order; reports the statement did not write get the stored execution. */
  async function settle(reports: Report[], written: Raw[]) {
    const byKey = new Map<string, { execution: ExecutionRow; outcome: Outcome }>();
    for (const r of written) {
      const execution = toExecution(r);
      byKey.set(key(execution), { execution, outcome: r.inserted === false ? "advanced" : "created" });
    }
    const missing = reports.filter((r) => !byKey.has(key(r)));
    if (missing.length > 0) {
      const stored = await rowsOf(sql`
        select * from ${executions} where (signal_id, device_id) in (
          select * from unnest(${arrayLiteral(missing.map((r) => r.signalId))}::text[],
                               ${arrayLiteral(missing.map((r) => r.deviceId))}::text[]))`);
      for (const r of stored) {
        const execution = toExecution(r);
        byKey.set(key(execution), { execution, outcome: "unchanged" });
      }
    }
    return reports.map((r) => byKey.get(key(r))!);
  }

  const common = (reports: Report[]) => ({
    ids: arrayLiteral(reports.map((r) => r.id)),
    signals: arrayLiteral(reports.map((r) => r.signalId)),
    devices: arrayLiteral(reports.map((r) => r.deviceId)),
    users: arrayLiteral(reports.map((r) => r.userId)),
    ats: arrayLiteral(reports.map((r) => r.at.toISOString())),
  });

  return {
    async ackMany(reports: Report[]) {
      const c = common(reports);
      const written = await rowsOf(sql`
        with input as (
          select * from unnest(${c.ids}::text[], ${c.signals}::text[], ${c.devices}::text[], ${c.users}::text[],
                               ${c.ats}::timestamptz[])
            with ordinality as t(id, signal_id, device_id, user_id, at, ord)
        ),
        up as (
          insert into ${executions} (id, signal_id, device_id, user_id, status, acked_at, updated_at)
          select id, signal_id, device_id, user_id, 'acked', at, at from input order by ord
          on conflict (signal_id, device_id) do nothing
          returning *
        ),
        ev as (
          insert into ${executionEvents} (execution_id, type, at)
          select up.id, 'ack', up.acked_at from up join input on input.id = up.id order by input.ord
        )
        select * from up`);
      return settle(reports, written);
    },

    /** Only an ACKed (or new) execution takes the fill; a new one gets its implied ACK first. */
    async fillMany(reports: FillReport[]) {
      const c = common(reports);
      const data = reports.map((r) =>
        JSON.stringify({
          price: r.price,
          volume: r.volume,
          brokerTicket: r.brokerTicket,
          filledAt: r.filledAt.toISOString(),
        }),
      );
      const written = await rowsOf(sql`
        with input as (
          select * from unnest(${c.ids}::text[], ${c.signals}::text[], ${c.devices}::text[], ${c.users}::text[],
                               ${c.ats}::timestamptz[], ${arrayLiteral(reports.map((r) => r.price))}::float8[],
                               ${arrayLiteral(reports.map((r) => r.volume))}::float8[],
                               ${arrayLiteral(reports.map((r) => r.brokerTicket))}::text[],
                               ${arrayLiteral(reports.map((r) => r.filledAt.toISOString()))}::timestamptz[],
                               ${arrayLiteral(data)}::text[])
            with ordinality as t(id, signal_id, device_id, user_id, at, price, volume, broker_ticket, filled_at,
                                 data, ord)
        ),
        up as (
          insert into ${executions}
            (id, signal_id, device_id, user_id, status, price, volume, broker_ticket, acked_at, filled_at, updated_at)
          select id, signal_id, device_id, user_id, 'filled', price, volume, broker_ticket, at, filled_at, at
          from input order by ord
          on conflict (signal_id, device_id) do update set status = 'filled', price = excluded.price,
            volume = excluded.volume, broker_ticket = excluded.broker_ticket, filled_at = excluded.filled_at,
            updated_at = excluded.updated_at
          where ${executions}.status = 'acked'
          returning *, (xmax = 0) as inserted
        ),
        ev as (
          insert into ${executionEvents} (execution_id, type, at, data)
          select up.id, e.type, input.at, case when e.type = 'fill' then input.data::jsonb else '{}'::jsonb end
          from up
          join input on input.signal_id = up.signal_id and input.device_id = up.device_id
          cross join (values (1, 'ack'), (2, 'fill')) as e(ord, type)
          where e.type = 'fill' or up.inserted
          order by input.ord, e.ord
        )
        select * from up`);
      return settle(reports, written);
    },
  };
}
