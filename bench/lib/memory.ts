import { readFileSync } from "node:fs";
import type { Database } from "../../src/db/client";

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/**
 * Where this process's resident memory is, in MB: V8's heap, buffers outside it, and PGlite's
 * WebAssembly linear memory (PostgreSQL's heap: shared_buffers, catalog caches, work memory),
 * which V8 counts in `external` whether touched or not. Its resident part is read from
 * /proc/self/smaps (Linux): the anonymous mapping whose size is the memory's byteLength.
 * `otherMb` is what is neither V8 heap nor wasm memory: code (Node's and the compiled wasm),
 * malloc'd native memory (sockets, zlib, OpenSSL), thread stacks.
 */
export function memoryBreakdown(database?: Database) {
  const usage = process.memoryUsage();
  const wasmBytes = (database?.pglite as { mod?: { HEAPU8?: Uint8Array } } | undefined)?.mod?.HEAPU8?.buffer
    .byteLength;
  const wasmResident = wasmBytes ? residentOfMappingSized(wasmBytes) : null;
  return {
    rssMb: mb(usage.rss),
    heapTotalMb: mb(usage.heapTotal),
    heapUsedMb: mb(usage.heapUsed),
    externalMb: mb(usage.external),
    arrayBuffersMb: mb(usage.arrayBuffers),
    wasmMemoryMb: wasmBytes ? mb(wasmBytes) : null,
    wasmRssMb: wasmResident === null ? null : mb(wasmResident),
    otherMb: mb(usage.rss - usage.heapTotal - (wasmResident ?? 0)),
  };
}

function residentOfMappingSized(size: number): number | null {
  let smaps: string;
  try {
    smaps = readFileSync("/proc/self/smaps", "utf8");
  } catch {
    return null;
  }
  let resident: number | null = null;
  let matches = false;
  for (const line of smaps.split("\n")) {
    const range = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (range) {
      matches = Number.parseInt(range[2]!, 16) - Number.parseInt(range[1]!, 16) === size;
    } else if (matches && line.startsWith("Rss:")) {
      // The largest resident one, should a V8 space happen to have the same size.
      resident = Math.max(resident ?? 0, Number.parseInt(line.slice(4), 10) * 1024);
    }
  }
  return resident;
}
