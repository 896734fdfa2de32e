import { z } from "zod";

export const DeviceName = z.string().trim().min(1).max(64);
export const DeviceIdParams = z.object({ id: z.string().min(1).max(64) });

export const DeviceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.string(),
    lastSeenAt: z.string().nullable(),
    online: z.boolean(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: "Device" });

export const RegisteredDeviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  secret: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.null(),
  online: z.literal(false),
});

export const DeviceSecretSchema = z.object({ id: z.string(), secret: z.string() });
