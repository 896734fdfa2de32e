import v8 from "node:v8";
import { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import { templateTarball } from "./template";

type NoSchema = Record<string, never>;
/** The database handle every repository takes: PGlite and node-postgres share this type. */
export type Db = PgDatabase<PgQueryResultHKT, NoSchema, ExtractTablesWithRelations<NoSchema>>;
export type Tx = PgTransaction<PgQueryResultHKT, NoSchema, ExtractTablesWithRelations<NoSchema>>;
/** A repository runs over whatever it is given: the db or an open transaction. */
export type Executor = Db | Tx;

export interface Database {
  kind: "pglite" | "postgres";
  db: Db;
  /** Runs raw SQL and returns rows: used by migrations, readiness checks and tests. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
  /** node-postgres pool when on a server (LISTEN/NOTIFY needs a dedicated client). */
  pool?: pg.Pool;
  pglite?: PGlite;
}

// timestamptz and int8 come back as strings from node-postgres unless told otherwise; bigint
// counts in this service are small, so parse them as numbers for parity with PGlite.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openPostgres(url: string, max = 10): Promise<Database> {
  // A connection attempt to an unreachable server fails after connectionTimeoutMillis instead of
  // waiting for the kernel; keepAlive lets a dead peer surface as an error on an idle socket.
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000, keepAlive: true });
  pool.on("error", () => {
    // An idle client losing its connection must not crash the process; the pool replaces it.
  });
  pool.on("connect", (client) => {
    // A checked-out client (between the statements of a transaction) that loses its connection
    // emits the error on itself, where no pool listener is: Node would end the process on a
    // database restart. Its next statement fails instead, and the pool drops it on release.
    client.on("error", () => {});
  });
  const db = drizzlePg(pool) as unknown as Db;
  return {
    kind: "postgres",
    db,
    pool,
    async query(sql, params) {
      const res = await pool.query(sql, params as unknown[]);
      return res.rows;
    },
    close: () => pool.end(),
  };
}

/**
 * PostgreSQL's default 128 MB buffer pool lives inside PGlite's WebAssembly heap, which never
 * shrinks. 16 MB holds the working set of a signal business of this size (the data itself stays
 * in files and the OS page cache): measured with 5,000 devices, 32 MB → 16 MB took the resident
 * wasm heap from 54 to 36 MB and the fan-out peak from 397 to 378 MB, its latency unchanged
 * (docs/perf/embedded-memory.md; 128 → 32 MB took 488 → 424 MB right after opening).
 */
const PGLITE_SETTINGS = { postgresqlconf: ["shared_buffers = 16MB", "wal_buffers = 1MB"] };

/**
 * PGlite is PostgreSQL compiled to one ~9 MB WebAssembly module. V8 compiles all of it with its
 * baseline compiler (Liftoff) on every worker thread at once, then recompiles hot functions with
 * TurboFan in the background; the compilers' scratch memory is malloc'd in per-thread arenas
 * that glibc keeps after it is freed. Measured with 5,000 parked polls (docs/perf/embedded-memory.md):
 * ~90 MB of RSS that is neither JS heap nor PostgreSQL's heap, gone with Liftoff only, and no
 * slower on two cores, where the background TurboFan compiles compete with the queries for the
 * CPU. The flag is read when a module is compiled, so it is set before the first PGlite starts;
 * it is process-wide, and PGlite is the only large WebAssembly this process runs.
 */
export function compileWasmForLowMemory(): void {
  v8.setFlagsFromString("--liftoff-only");
}

async function openMemory(): Promise<PGlite> {
  const tarball = templateTarball();
  if (tarball) {
    try {
      const client = new PGlite({ loadDataDir: tarball, ...PGLITE_SETTINGS });
      await client.waitReady;
      return client;
    } catch {
      // A tarball PGlite cannot load: a fresh database, as without a template.
    }
  }
  return new PGlite(PGLITE_SETTINGS);
}

/**
 * Embedded PostgreSQL; `dataDir` undefined means in memory (tests). An in-memory database starts
 * from the migrated template when one is built (see template.ts), so its migrations find nothing
 * to do; callers run them all the same.
 */
export async function openPglite(
  dataDir?: string,
  /** PGlite's WebAssembly module compiled ahead (open.ts starts that early); else PGlite compiles it. */
  pgliteWasmModule?: WebAssembly.Module,
): Promise<Database> {
  compileWasmForLowMemory();
  const client = dataDir
    ? new PGlite(dataDir, { ...PGLITE_SETTINGS, ...(pgliteWasmModule ? { pgliteWasmModule } : {}) })
    : await openMemory();
  await client.waitReady;
  const db = drizzlePglite(client) as unknown as Db;
  return {
    kind: "pglite",
    db,
    pglite: client,
    async query(sql, params) {
      const res = params?.length
        ? await client.query(sql, params)
        : await client.exec(sql).then((r) => r.at(-1)!);
      return res.rows as never[];
    },
    close: () => client.close(),
  };
}
