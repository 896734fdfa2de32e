import type { Database } from "../../src/db/client";
import { createAuditService } from "../../src/modules/audit/audit.service";
import { createCatalogService } from "../../src/modules/catalog/catalog.service";
import { devices } from "../../src/modules/devices/devices.table";
import { entitlements } from "../../src/modules/entitlements/entitlements.table";
import { createProducersService } from "../../src/modules/producers/producers.service";
import type { SignalInput } from "../../src/modules/signals/signals.models";
import { users } from "../../src/modules/users/users.table";
import { systemClock } from "../../src/shared/clock";
import { newId } from "../../src/shared/ids";
import { deriveSecret } from "../../src/shared/signing";

/** Load-test fixtures for the signal relay: bulk subscribers with devices, a producer, a server process. */

export interface SeededDevice {
  id: string;
  secret: string;
  userId: string;
}

const CHUNK = 1_000;

/** `count` VIP subscribers with auto-approve on, each with one device, inserted in bulk. */
export async function seedDeviceOwners(
  database: Database,
  opts: { count: number; masterKey: string; telegramIdBase?: number },
): Promise<SeededDevice[]> {
  const db = database.db;
  const audit = createAuditService({ db, clock: systemClock });
  const catalog = createCatalogService({ db, clock: systemClock, audit });
  await catalog.seedDefaultCatalog();
  const tier = (await catalog.view()).categories
    .flatMap((c) => c.products.flatMap((p) => p.tiers))
    .find((t) => t.level === "vip")!;
  const now = new Date();
  const seeded: SeededDevice[] = [];
  for (let start = 0; start < opts.count; start += CHUNK) {
    const batch = Array.from({ length: Math.min(CHUNK, opts.count - start) }, (_, i) => {
      const n = start + i;
      const userId = newId("usr");
      const deviceId = newId("dev");
      return { n, userId, deviceId };
    });
    await db.insert(users).values(
      batch.map(({ n, userId }) => ({
        id: userId,
        telegramId: (opts.telegramIdBase ?? 9_000_000_000) + n,
        firstName: `Bench ${n}`,
        autoApprove: true,
        createdAt: now,
        updatedAt: now,
      })),
    );
    await db.insert(entitlements).values(
      batch.map(({ userId }) => ({
        id: newId("ent"),
        userId,
        tierId: tier.id,
        level: "vip" as const,
        startsAt: now,
        expiresAt: new Date(now.getTime() + 30 * 86_400_000),
        sourceKind: "admin" as const,
        grantedBy: "bench",
        createdAt: now,
      })),
    );
    await db.insert(devices).values(
      batch.map(({ n, userId, deviceId }) => ({
        id: deviceId,
        userId,
        name: `bench-${n}`,
        createdAt: now,
        updatedAt: now,
      })),
    );
    for (const { userId, deviceId } of batch) {
      seeded.push({ id: deviceId, userId, secret: deriveSecret(opts.masterKey, "device", deviceId, 1) });
    }
  }
  return seeded;
}

/** The signal the relay scenarios publish: a market buy of EURUSD for Premium and up, no levels. */
export const MARKET_BUY: SignalInput = {
  externalId: null,
  instrument: "EURUSD",
  side: "buy",
  orderType: "market",
  entryPrice: null,
  stopLoss: null,
  takeProfit: null,
  volume: 0.1,
  ttlSeconds: 600,
  minTier: "premium",
  note: null,
};

export async function createBenchProducer(database: Database, masterKey: string) {
  const db = database.db;
  const producers = createProducersService({
    db,
    clock: systemClock,
    masterKey,
    audit: createAuditService({ db, clock: systemClock }),
  });
  return producers.create({ kind: "cli" }, "bench");
}

/** The p-th percentile (0..100) of a list of numbers, nearest-rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
