import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { StartupError } from "../startup-errors";
import { deploymentKeys } from "./deployment.table";

const ROW = "keys";

/** A short, one-way fingerprint: enough to tell two keys apart, useless to recover either. */
export const keyFingerprint = (secret: string): string =>
  createHash("sha256").update(`signaldesk key fingerprint\0${secret}`).digest("hex").slice(0, 16);

/**
 * Refuses to go on with keys other than the ones the database was set up with (the first process
 * records them). A second instance or a CLI run with another JWT_SECRET or MASTER_KEY would issue
 * tokens the others reject and could not open the stored secrets, silently; now it says so.
 */
export async function checkDeploymentKeys(
  db: Db,
  keys: { jwtSecret: string; masterKey: string },
  now: Date,
): Promise<void> {
  const mine = { jwt: keyFingerprint(keys.jwtSecret), master: keyFingerprint(keys.masterKey) };
  await db
    .insert(deploymentKeys)
    .values({ id: ROW, jwtFingerprint: mine.jwt, masterKeyFingerprint: mine.master, createdAt: now })
    .onConflictDoNothing();
  const [first] = await db.select().from(deploymentKeys).where(eq(deploymentKeys.id, ROW));
  const differ = [
    first && first.jwtFingerprint !== mine.jwt ? "JWT_SECRET" : undefined,
    first && first.masterKeyFingerprint !== mine.master ? "MASTER_KEY" : undefined,
  ].filter(Boolean);
  if (differ.length > 0) {
    throw new StartupError(
      `${differ.join(" and ")} differ${differ.length === 1 ? "s" : ""} from the key${differ.length === 1 ? "" : "s"} this database was set up with (since ${first!.createdAt.toISOString()}): every instance and CLI run must use the same JWT_SECRET and MASTER_KEY (a process without them reads DATA_DIR/secrets.json, which differs between machines)`,
    );
  }
}
