import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DataDirLockedError, lockDataDir } from "./lock";

describe("DATA_DIR lock", () => {
  it("refuses a second holder while the first process lives, naming its pid", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sd-lock-"));
    // The parent process is alive and is not us: it stands in for another server.
    writeFileSync(path.join(dir, "signaldesk.lock"), String(process.ppid));
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(`pid ${process.ppid}`);
  });

  it("takes over a lock left behind by a dead process and releases it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sd-lock-"));
    writeFileSync(path.join(dir, "signaldesk.lock"), "999999999");
    const release = lockDataDir(dir);
    expect(existsSync(path.join(dir, "signaldesk.lock"))).toBe(true);
    release();
    expect(existsSync(path.join(dir, "signaldesk.lock"))).toBe(false);
  });
});
