import v8 from "node:v8";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openPglite } from "./client";

describe("embedded PostgreSQL (PGlite) memory settings", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("asks V8 to compile PGlite with Liftoff only", async () => {
    const setFlags = vi.spyOn(v8, "setFlagsFromString");
    const database = await openPglite();
    try {
      expect(setFlags).toHaveBeenCalledWith("--liftoff-only");
      expect(await database.query("select 1 as one")).toEqual([{ one: 1 }]);
    } finally {
      await database.close();
    }
  });

  it("keeps PostgreSQL's buffer pool and WAL buffers small inside the WebAssembly heap", async () => {
    const database = await openPglite();
    try {
      const [buffers] = await database.query<{ shared_buffers: string }>("show shared_buffers");
      const [wal] = await database.query<{ wal_buffers: string }>("show wal_buffers");
      expect(buffers?.shared_buffers).toBe("16MB");
      expect(wal?.wal_buffers).toBe("1MB");
    } finally {
      await database.close();
    }
  });
});
