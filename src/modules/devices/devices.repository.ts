import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { users } from "../users/users.table";
import { type DeviceRow, devices } from "./devices.table";

export type NewDevice = typeof devices.$inferInsert;

export function devicesRepository(db: Executor) {
  const owned = (userId: string, id: string) => and(eq(devices.id, id), eq(devices.userId, userId));
  const activeOwned = (userId: string, id: string) => and(owned(userId, id), isNull(devices.revokedAt));

  return {
    /** Serialises device changes of one user, so two registrations cannot both take the last slot. */
    async lockUser(userId: string): Promise<boolean> {
      const rows = await db.execute(sql`select 1 from ${users} where ${users.id} = ${userId} for update`);
      return (rows as unknown as { rows: unknown[] }).rows.length > 0;
    },
    async countActive(userId: string): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(devices)
        .where(and(eq(devices.userId, userId), isNull(devices.revokedAt)));
      return row?.n ?? 0;
    },
    async insert(device: NewDevice): Promise<DeviceRow> {
      const [row] = await db.insert(devices).values(device).returning();
      return row!;
    },
    async findOwned(userId: string, id: string): Promise<DeviceRow | undefined> {
      const [row] = await db.select().from(devices).where(owned(userId, id)).limit(1);
      return row;
    },
    async findActive(id: string): Promise<DeviceRow | undefined> {
      const [row] = await db
        .select()
        .from(devices)
        .where(and(eq(devices.id, id), isNull(devices.revokedAt)))
        .limit(1);
      return row;
    },
    async listForUser(userId: string): Promise<DeviceRow[]> {
      return db.select().from(devices).where(eq(devices.userId, userId)).orderBy(desc(devices.id));
    },
    async listActive(): Promise<Pick<DeviceRow, "id" | "userId" | "keyVersion">[]> {
      return db
        .select({ id: devices.id, userId: devices.userId, keyVersion: devices.keyVersion })
        .from(devices)
        .where(isNull(devices.revokedAt));
    },
    async rename(userId: string, id: string, name: string, at: Date): Promise<DeviceRow | undefined> {
      const [row] = await db
        .update(devices)
        .set({ name, updatedAt: at })
        .where(activeOwned(userId, id))
        .returning();
      return row;
    },
    async revoke(userId: string, id: string, at: Date): Promise<DeviceRow | undefined> {
      const [row] = await db
        .update(devices)
        .set({ revokedAt: at, updatedAt: at })
        .where(activeOwned(userId, id))
        .returning();
      return row;
    },
    /** Bumps the key version in the database, so the old secret fails on every instance. */
    async rotate(userId: string, id: string, at: Date): Promise<DeviceRow | undefined> {
      const [row] = await db
        .update(devices)
        .set({ keyVersion: sql`${devices.keyVersion} + 1`, updatedAt: at })
        .where(activeOwned(userId, id))
        .returning();
      return row;
    },
  };
}
