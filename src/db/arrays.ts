import { type AnyColumn, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";

/**
 * Batches pass each column as one array parameter (`unnest`, `= any`), not one parameter per
 * value: drizzle builds a statement chunk by chunk, and a 20-row users insert cost ~35 us per row
 * to build, an `in (…)` list ~5 us per id (docs/perf/telegram-handlers.md). Values travel as
 * text and are cast in the statement, which both drivers bind alike.
 */
export const textArray = (values: (string | null)[]): SQL => sql`${sql.param(values)}::text[]`;

/** `column = any(ids)` for a bigint column: one parameter for the whole list. */
export const isAnyOfBigints = (column: AnyColumn, ids: number[]): SQL =>
  sql`${column} = any(${textArray(ids.map(String))}::bigint[])`;

/** Both drivers answer `execute` with a result carrying rows, values as the driver gives them (a bigint may be a string). */
export const rowsOf = <R>(result: unknown): R[] => (result as { rows: R[] }).rows;

/**
 * Raw rows of `table` (`returning *` from `execute`) as drizzle would map them: each column read
 * through its own decoder (bigint as number, timestamptz as Date…), keyed by its property name.
 */
export function tableRows<T extends PgTable>(table: T, raw: Record<string, unknown>[]): T["$inferSelect"][] {
  const columns = Object.entries(getTableColumns(table));
  return raw.map((r) => {
    const row: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      const value = r[column.name];
      row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return row as T["$inferSelect"];
  });
}
