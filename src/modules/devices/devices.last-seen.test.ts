import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createDeviceOwner } from "../../../test/support/factories";
import { createLastSeenBuffer } from "./devices.last-seen";

describe("last-seen times", () => {
  const ctx = useTestApp();
  const stored = async (id: string) => {
    const [row] = await ctx().database.query<{ last_seen_at: Date | null }>(
      "select last_seen_at from devices where id = $1",
      [id],
    );
    return row?.last_seen_at ? new Date(row.last_seen_at).toISOString() : null;
  };

  it("are written once a device is new or a minute behind, not on every call", async () => {
    const { device } = await createDeviceOwner(ctx().deps, "vip");
    const buffer = createLastSeenBuffer({ db: ctx().deps.db, logger: ctx().deps.logger });
    const t0 = new Date("2026-11-21T10:00:00.000Z");
    buffer.touch(device.id, t0);
    await buffer.flush(false);
    expect(await stored(device.id)).toBe(t0.toISOString());

    const t1 = new Date(t0.getTime() + 30_000);
    buffer.touch(device.id, t1);
    await buffer.flush(false);
    expect(await stored(device.id)).toBe(t0.toISOString());
    expect(buffer.pendingFor(device.id)).toEqual(t1);

    const t2 = new Date(t0.getTime() + 61_000);
    buffer.touch(device.id, t2);
    await buffer.flush(false);
    expect(await stored(device.id)).toBe(t2.toISOString());
  });

  it("write everything exactly on shutdown, and never move a stored time backwards", async () => {
    const { device } = await createDeviceOwner(ctx().deps, "vip");
    const a = createLastSeenBuffer({ db: ctx().deps.db, logger: ctx().deps.logger });
    const b = createLastSeenBuffer({ db: ctx().deps.db, logger: ctx().deps.logger });
    const later = new Date("2026-11-21T10:05:00.000Z");
    a.touch(device.id, later);
    await a.stop();
    expect(await stored(device.id)).toBe(later.toISOString());
    b.touch(device.id, new Date("2026-11-21T10:01:00.000Z"));
    await b.stop();
    expect(await stored(device.id)).toBe(later.toISOString());
  });
});
