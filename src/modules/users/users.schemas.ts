import { z } from "zod";
import { LEVELS } from "../catalog/catalog.models";
import { REGION_CODES } from "../pricing/pricing.models";

export const UserSchema = z
  .object({
    id: z.string(),
    telegramId: z.number().int(),
    username: z.string().nullable(),
    firstName: z.string(),
    role: z.enum(["user", "admin"]),
    tier: z.enum(LEVELS),
    autoApprove: z.boolean(),
    region: z.enum(REGION_CODES).nullable(),
    referredBy: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "User" });

export const PatchMeBody = z.object({
  autoApprove: z.boolean().optional(),
  region: z.enum(REGION_CODES).optional(),
});

/** An account's standing, as the admin's disable/enable calls answer it. */
export const UserStanding = z
  .object({ id: z.string(), disabled: z.boolean(), disabledAt: z.string().nullable() })
  .meta({ id: "UserStanding" });
