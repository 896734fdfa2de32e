import { and, count, desc, eq, getTableColumns, isNull, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { users } from "../users/users.table";
import type { DeviceSettingsInput } from "./devices.settings";
import { type DeviceAccount, type DeviceClient, type DeviceRow, devices } from "./devices.table";

export type NewDevice = typeof devices.$inferInsert;
/** What the delivery index keeps of a device that may sign. */
export type ActiveDevice = Pick<DeviceRow, "id" | "userId" | "keyVersion" | "settings" | "settingsVersion">;

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
    /** A device that may sign: not revoked, and its owner not disabled. */
    async findActive(id: string): Promise<DeviceRow | undefined> {
      const [row] = await db
        .select(getTableColumns(devices))
        .from(devices)
        .innerJoin(users, eq(users.id, devices.userId))
        .where(and(eq(devices.id, id), isNull(devices.revokedAt), isNull(users.disabledAt)))
        .limit(1);
      return row;
    },
    async unrevokedIdsOf(userId: string): Promise<string[]> {
      const rows = await db
        .select({ id: devices.id })
        .from(devices)
        .where(and(eq(devices.userId, userId), isNull(devices.revokedAt)));
      return rows.map((r) => r.id);
    },
    async listForUser(userId: string): Promise<DeviceRow[]> {
      return db.select().from(devices).where(eq(devices.userId, userId)).orderBy(desc(devices.id));
    },
    async listActive(): Promise<ActiveDevice[]> {
      return db
        .select({
          id: devices.id,
          userId: devices.userId,
          keyVersion: devices.keyVersion,
          settings: devices.settings,
          settingsVersion: devices.settingsVersion,
        })
        .from(devices)
        .innerJoin(users, eq(users.id, devices.userId))
        .where(and(isNull(devices.revokedAt), isNull(users.disabledAt)));
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
    /** Replaces the settings and bumps their version, so every instance can tell newer from older. */
    async replaceSettings(
      userId: string,
      id: string,
      settings: DeviceSettingsInput,
      at: Date,
    ): Promise<DeviceRow | undefined> {
      const [row] = await db
        .update(devices)
        .set({ settings, settingsVersion: sql`${devices.settingsVersion} + 1`, updatedAt: at })
        .where(activeOwned(userId, id))
        .returning();
      return row;
    },
    /** The account before this hello (row locked), then the new one; undefined once revoked. */
    async recordHello(
      id: string,
      hello: { account: DeviceAccount; client: DeviceClient },
      at: Date,
    ): Promise<{ row: DeviceRow; previous: DeviceAccount | null } | undefined> {
      const [before] = await db
        .select({ account: devices.account })
        .from(devices)
        .where(and(eq(devices.id, id), isNull(devices.revokedAt)))
        .for("update");
      if (!before) return undefined;
      const [row] = await db
        .update(devices)
        .set({ account: hello.account, client: hello.client, helloAt: at })
        .where(eq(devices.id, id))
        .returning();
      return { row: row!, previous: before.account };
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
