import type { DeviceAccount, DeviceClient, DeviceRow } from "./devices.table";

/** A device is online while its last authenticated call is younger than this (SPEC.md). */
export const ONLINE_WINDOW_MS = 300_000;

export interface DeviceView {
  id: string;
  name: string;
  createdAt: string;
  lastSeenAt: string | null;
  online: boolean;
  revokedAt: string | null;
  account: DeviceAccount | null;
  client: DeviceClient | null;
  helloAt: string | null;
}

export function isOnline(lastSeenAt: Date | null, now: Date): boolean {
  return lastSeenAt !== null && now.getTime() - lastSeenAt.getTime() < ONLINE_WINDOW_MS;
}

/** The later of the stored and the not-yet-flushed last-seen times. */
export function latestSeen(stored: Date | null, pending: Date | undefined): Date | null {
  if (!pending) return stored;
  if (!stored) return pending;
  return pending.getTime() > stored.getTime() ? pending : stored;
}

export function toDeviceView(
  row: Pick<
    DeviceRow,
    "id" | "name" | "createdAt" | "lastSeenAt" | "revokedAt" | "account" | "client" | "helloAt"
  >,
  now: Date,
): DeviceView {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    online: !row.revokedAt && isOnline(row.lastSeenAt, now),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    account: row.account ?? null,
    client: row.client ?? null,
    helloAt: row.helloAt?.toISOString() ?? null,
  };
}
