import { beforeEach, describe, expect, it } from "vitest";
import { resetDatabase, testDatabase } from "../../../test/support/db";
import { StartupError } from "../startup-errors";
import { deploymentKeys } from "./deployment.table";
import { checkDeploymentKeys, keyFingerprint } from "./keys";

const JWT = "j".repeat(40);
const MASTER = "m".repeat(64);
const now = new Date("2026-12-05T12:00:00Z");

describe("deployment keys", () => {
  beforeEach(async () => resetDatabase(await testDatabase()));

  it("records the first keys, then lets the same keys through (another instance, the CLI)", async () => {
    const { db } = await testDatabase();
    await checkDeploymentKeys(db, { jwtSecret: JWT, masterKey: MASTER }, now);
    await checkDeploymentKeys(db, { jwtSecret: JWT, masterKey: MASTER }, new Date(now.getTime() + 1_000));
    const rows = await db.select().from(deploymentKeys);
    expect(rows).toEqual([
      {
        id: "keys",
        jwtFingerprint: keyFingerprint(JWT),
        masterKeyFingerprint: keyFingerprint(MASTER),
        createdAt: now,
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain(JWT);
  });

  it("refuses other keys with one line naming which differ, never the keys", async () => {
    const { db } = await testDatabase();
    await checkDeploymentKeys(db, { jwtSecret: JWT, masterKey: MASTER }, now);
    const otherJwt = await checkDeploymentKeys(
      db,
      { jwtSecret: "x".repeat(40), masterKey: MASTER },
      now,
    ).catch((e) => e);
    expect(otherJwt).toBeInstanceOf(StartupError);
    expect(otherJwt.message).toMatch(/^JWT_SECRET differs from the key this database was set up with/);
    expect(otherJwt.message).not.toContain("x".repeat(40));
    const both = await checkDeploymentKeys(
      db,
      { jwtSecret: "x".repeat(40), masterKey: "y".repeat(64) },
      now,
    ).catch((e) => e);
    expect(both.message).toMatch(/^JWT_SECRET and MASTER_KEY differ from the keys/);
    // The first keys stay the reference.
    await expect(
      checkDeploymentKeys(db, { jwtSecret: JWT, masterKey: MASTER }, now),
    ).resolves.toBeUndefined();
  });

  it("fingerprints tell keys apart and are short", () => {
    expect(keyFingerprint(JWT)).toMatch(/^[0-9a-f]{16}$/);
    expect(keyFingerprint(JWT)).not.toBe(keyFingerprint(`${JWT}!`));
  });
});
