import { z } from "zod";
import { PAID_LEVELS, type PaidLevel } from "../catalog/catalog.models";
import { DeviceAccountSchema, DeviceClientSchema } from "../devices/devices.schemas";
import { ENTITLEMENT_SOURCES } from "../entitlements/entitlements.table";
import { UserSchema } from "../users/users.schemas";

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});

export const IdParams = z.object({ id: z.string().min(1).max(64) });
export const UserIdParams = z.object({ userId: z.string().min(1).max(64) });

export const ConsoleLinkSchema = z
  .object({ url: z.string(), expiresAt: z.string() })
  .meta({ id: "ConsoleLink" });

export const ConsoleSessionSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    createdAt: z.string(),
    expiresAt: z.string(),
    current: z.boolean(),
  })
  .meta({ id: "ConsoleSession" });

export const CurrentSessionSchema = z
  .object({ session: ConsoleSessionSchema, csrfToken: z.string(), user: UserSchema })
  .meta({ id: "CurrentConsoleSession" });

export const StatsQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) });

export const StatsSchema = z
  .object({
    days: z.number().int(),
    from: z.string(),
    revenue: z.array(z.object({ day: z.string(), currency: z.string(), amountMinor: z.number().int() })),
    revenueGbpMinor: z.number().int(),
    activeSubscribers: z.object(
      Object.fromEntries(PAID_LEVELS.map((level) => [level, z.number().int()])) as Record<
        PaidLevel,
        z.ZodNumber
      >,
    ),
    newUsers: z.number().int(),
    churned: z.number().int(),
    devicesOnline: z.number().int(),
    signals: z.object({
      published: z.number().int(),
      approved: z.number().int(),
      filled: z.number().int(),
      failed: z.number().int(),
    }),
  })
  .meta({ id: "AdminStats" });

export const UserSearchQuery = ListQuery.extend({ q: z.string().max(100).optional() });
export const UserPage = z.object({ items: z.array(UserSchema), nextCursor: z.string().nullable() });

export const AdminDeviceSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    name: z.string(),
    online: z.boolean(),
    lastSeenAt: z.string().nullable(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    /** What the EA reported in its last hello (API §11): its MT5 account and client version. */
    account: DeviceAccountSchema.nullable(),
    client: DeviceClientSchema.nullable(),
    helloAt: z.string().nullable(),
  })
  .meta({ id: "AdminDevice" });

export const DeviceListQuery = ListQuery.extend({
  online: z.enum(["true", "false"]).optional(),
  userId: z.string().min(1).max(64).optional(),
});
export const DevicePage = z.object({ items: z.array(AdminDeviceSchema), nextCursor: z.string().nullable() });

export const UserDetailSchema = z
  .object({
    user: UserSchema,
    periods: z.array(
      z.object({
        id: z.string(),
        tierId: z.string(),
        level: z.enum(PAID_LEVELS),
        startsAt: z.string(),
        expiresAt: z.string(),
        source: z.enum(ENTITLEMENT_SOURCES),
        orderId: z.string().nullable(),
        revokedAt: z.string().nullable(),
        active: z.boolean(),
      }),
    ),
    orders: z.array(
      z.object({
        id: z.string(),
        tierId: z.string(),
        months: z.number().int(),
        status: z.string(),
        totalMinor: z.number().int(),
        currency: z.string(),
        provider: z.string().nullable(),
        createdAt: z.string(),
        paidAt: z.string().nullable(),
        refundedAt: z.string().nullable(),
      }),
    ),
    devices: z.array(AdminDeviceSchema),
    executions: z.array(
      z.object({
        id: z.string(),
        signalId: z.string(),
        deviceId: z.string(),
        instrument: z.string(),
        side: z.enum(["buy", "sell"]),
        status: z.enum(["acked", "filled", "failed"]),
        price: z.number().nullable(),
        volume: z.number().nullable(),
        errorMessage: z.string().nullable(),
        ackedAt: z.string(),
        filledAt: z.string().nullable(),
        failedAt: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: "AdminUserDetail" });

export const FanoutSchema = z
  .object({
    signalId: z.string(),
    recipients: z.number().int(),
    pending: z.number().int(),
    approved: z.number().int(),
    rejected: z.number().int(),
    acked: z.number().int(),
    filled: z.number().int(),
    failed: z.number().int(),
    silentDevices: z.array(AdminDeviceSchema),
    silentTruncated: z.boolean(),
  })
  .meta({ id: "SignalFanout" });
