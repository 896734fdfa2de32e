import type { Executor } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import type { Clock } from "../../shared/clock";
import type { Events } from "../../shared/events";
import { newId } from "../../shared/ids";
import { deriveSecret } from "../../shared/signing";
import { withTransaction } from "../../shared/unit-of-work";
import type { AuditService } from "../audit/audit.service";
import type { AccessResolver } from "../users/users.models";
import { DeviceErrors, SignedRequestErrors } from "./devices.errors";
import type { LastSeenBuffer } from "./devices.last-seen";
import { type DeviceView, latestSeen, toDeviceView } from "./devices.models";
import { devicesRepository } from "./devices.repository";
import { type DeviceSettings, type DeviceSettingsInput, settingsOf } from "./devices.settings";
import type { DeviceAccount, DeviceClient, DeviceRow } from "./devices.table";

/** A hello as the EA sends it (API.md §11): optional account fields may be missing. */
export interface HelloInput {
  account: {
    login: string;
    server: string;
    company?: string;
    currency?: string;
    balance?: number;
    leverage?: number;
  };
  client: DeviceClient;
}

export type DevicesService = ReturnType<typeof createDevicesService>;

export function createDevicesService(deps: {
  db: Executor;
  clock: Clock;
  masterKey: string;
  access: Pick<AccessResolver, "featuresOf">;
  audit: AuditService;
  lastSeen: LastSeenBuffer;
  events: Events;
}) {
  const { db, clock } = deps;
  const repo = devicesRepository(db);

  const secretOf = (device: Pick<DeviceRow, "id" | "keyVersion">) =>
    deriveSecret(deps.masterKey, "device", device.id, device.keyVersion);

  const view = (row: DeviceRow): DeviceView =>
    toDeviceView(
      { ...row, lastSeenAt: latestSeen(row.lastSeenAt, deps.lastSeen.pendingFor(row.id)) },
      clock.now(),
    );

  /** Tells a missing device from a removed one after a conditional update matched nothing. */
  async function explainMiss(userId: string, id: string): Promise<never> {
    const row = await repo.findOwned(userId, id);
    throw row ? DeviceErrors.revoked() : DeviceErrors.notFound();
  }

  async function audited(userId: string, action: string, deviceId: string, executor: Executor = db) {
    await deps.audit.record(
      { actorId: userId, actorKind: "user", action, subjectType: "device", subjectId: deviceId },
      executor,
    );
  }

  return {
    secretOf,
    view,
    touch(deviceId: string): void {
      deps.lastSeen.touch(deviceId, clock.now());
    },
    flushLastSeen: () => deps.lastSeen.flush(),
    findActive: (id: string) => repo.findActive(id),
    listActive: () => repo.listActive(),
    /** Ids of a user's unrevoked devices, whether or not the user is disabled. */
    unrevokedIdsOf: (userId: string) => repo.unrevokedIdsOf(userId),

    /** Registers a device; the secret is returned here and can never be read again. */
    async register(userId: string, name: string): Promise<{ device: DeviceView; secret: string }> {
      const features = await deps.access.featuresOf(userId);
      let row: DeviceRow;
      try {
        row = await withTransaction(deps, async (uow) => {
          const { tx } = uow;
          const txRepo = devicesRepository(tx);
          if (!(await txRepo.lockUser(userId))) throw DeviceErrors.notFound("No such user");
          if ((await txRepo.countActive(userId)) >= features.maxDevices) {
            throw DeviceErrors.limitReached(`Your plan allows ${features.maxDevices} active device(s)`);
          }
          const now = clock.now();
          const inserted = await txRepo.insert({
            id: newId("dev", now.getTime()),
            userId,
            name,
            createdAt: now,
            updatedAt: now,
          });
          await audited(userId, "devices.registered", inserted.id, tx);
          await uow.emit("devices.changed", { kind: "registered", device: inserted });
          return inserted;
        });
      } catch (err) {
        if (isUniqueViolation(err, "devices_user_name_key")) throw DeviceErrors.nameTaken();
        throw err;
      }
      return { device: view(row), secret: secretOf(row) };
    },

    async list(userId: string): Promise<DeviceView[]> {
      return (await repo.listForUser(userId)).map(view);
    },

    async get(userId: string, id: string): Promise<DeviceView> {
      const row = await repo.findOwned(userId, id);
      if (!row) throw DeviceErrors.notFound();
      return view(row);
    },

    async rename(userId: string, id: string, name: string): Promise<DeviceView> {
      try {
        const row = await repo.rename(userId, id, name, clock.now());
        return row ? view(row) : await explainMiss(userId, id);
      } catch (err) {
        if (isUniqueViolation(err, "devices_user_name_key")) throw DeviceErrors.nameTaken();
        throw err;
      }
    },

    /** Revoked at once on every instance; revoking a removed device again changes nothing. */
    async revoke(userId: string, id: string): Promise<void> {
      const row = await withTransaction(deps, async (uow) => {
        const revoked = await devicesRepository(uow.tx).revoke(userId, id, clock.now());
        if (revoked) {
          await audited(userId, "devices.revoked", id, uow.tx);
          await uow.emit("devices.changed", { kind: "revoked", device: revoked });
        }
        return revoked;
      });
      if (row) return;
      const existing = await repo.findOwned(userId, id);
      if (!existing) throw DeviceErrors.notFound();
    },

    /** The settings in force (a removed device's last ones, read-only). */
    async settings(userId: string, id: string): Promise<DeviceSettings> {
      const row = await repo.findOwned(userId, id);
      if (!row) throw DeviceErrors.notFound();
      return settingsOf(row.settings, row.settingsVersion);
    },

    /** Replaces the settings; the EA receives them with its next poll, on any instance. */
    async replaceSettings(userId: string, id: string, input: DeviceSettingsInput): Promise<DeviceSettings> {
      const settings = await withTransaction(deps, async (uow) => {
        const row = await devicesRepository(uow.tx).replaceSettings(userId, id, input, clock.now());
        if (!row) return undefined;
        const changed = settingsOf(row.settings, row.settingsVersion);
        await deps.audit.record(
          {
            actorId: userId,
            actorKind: "user",
            action: "devices.settings_changed",
            subjectType: "device",
            subjectId: id,
            data: { version: changed.version },
          },
          uow.tx,
        );
        await uow.emit("devices.settings_changed", { deviceId: id, userId, settings: changed });
        return changed;
      });
      return settings ?? explainMiss(userId, id);
    },

    /**
     * An EA's hello: its MT5 account and client are stored (shown on the device) and its
     * settings returned. Called for a device whose signature was just verified.
     */
    async hello(deviceId: string, input: HelloInput): Promise<DeviceSettings> {
      const account: DeviceAccount = {
        login: input.account.login,
        server: input.account.server,
        company: input.account.company ?? null,
        currency: input.account.currency ?? null,
        balance: input.account.balance ?? null,
        leverage: input.account.leverage ?? null,
      };
      const client = { name: input.client.name, version: input.client.version };
      return withTransaction(deps, async (uow) => {
        const hello = await devicesRepository(uow.tx).recordHello(deviceId, { account, client }, clock.now());
        // Revoked between the signature check and here: answered like any rejected signature.
        if (!hello) throw SignedRequestErrors.rejected();
        const { row, previous } = hello;
        await uow.emit("devices.hello", { deviceId, userId: row.userId, account, client, previous });
        return settingsOf(row.settings, row.settingsVersion);
      });
    },

    async rotateSecret(userId: string, id: string): Promise<{ id: string; secret: string }> {
      const row = await withTransaction(deps, async (uow) => {
        const rotated = await devicesRepository(uow.tx).rotate(userId, id, clock.now());
        if (rotated) {
          await audited(userId, "devices.secret_rotated", id, uow.tx);
          await uow.emit("devices.changed", { kind: "rotated", device: rotated });
        }
        return rotated;
      });
      if (!row) return explainMiss(userId, id);
      return { id: row.id, secret: secretOf(row) };
    },
  };
}
