import { z } from "zod";
import { LEVELS, REGIONS } from "./users.models";

export const UserSchema = z
  .object({
    id: z.string(),
    telegramId: z.number().int(),
    username: z.string().nullable(),
    firstName: z.string(),
    role: z.enum(["user", "admin"]),
    tier: z.enum(LEVELS),
    autoApprove: z.boolean(),
    region: z.enum(REGIONS).nullable(),
    referredBy: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "User" });

export const PatchMeBody = z.object({
  autoApprove: z.boolean().optional(),
  region: z.enum(REGIONS).optional(),
});

/** An account's standing, as the admin's disable/enable calls answer it. */
export const UserStanding = z
  .object({ id: z.string(), disabled: z.boolean(), disabledAt: z.string().nullable() })
  .meta({ id: "UserStanding" });
