import { z } from "zod";
import { PAID_LEVELS } from "./catalog.models";

const slug = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "lowercase letters, digits and dashes")
  .max(64);
const name = z.string().trim().min(1).max(120);
/** Stored in a PostgreSQL integer column: anything outside 32 bits is a validation error, not a 500. */
const position = z
  .number()
  .int()
  .min(-(2 ** 31))
  .max(2 ** 31 - 1);

export const FeaturesSchema = z
  .object({
    signals: z.boolean(),
    maxDevices: z.number().int().min(0).max(1000),
    autoApprove: z.boolean(),
    minSignalTier: z.enum(PAID_LEVELS),
  })
  .meta({ id: "Features" });

export const TierSchema = z.object({
  id: z.string(),
  level: z.enum(PAID_LEVELS),
  name: z.string(),
  monthlyPriceMinor: z.number().int(),
  features: FeaturesSchema,
  /** Days of free trial (once per account, never after a paid order); 0 = none. */
  trialDays: z.number().int(),
});

export const CatalogSchema = z.object({
  currency: z.literal("GBP"),
  categories: z.array(
    z.object({
      id: z.string(),
      slug: z.string(),
      name: z.string(),
      products: z.array(
        z.object({
          id: z.string(),
          slug: z.string(),
          name: z.string(),
          description: z.string(),
          tiers: z.array(TierSchema),
        }),
      ),
    }),
  ),
});

export const CreateCategoryBody = z.object({ slug, name, position: position.optional() });
export const PatchCategoryBody = CreateCategoryBody.partial();
export const CreateProductBody = z.object({
  categoryId: z.string().min(1),
  slug,
  name,
  description: z.string().max(2000).optional(),
  position: position.optional(),
});
export const PatchProductBody = CreateProductBody.omit({ categoryId: true }).partial();
export const CreateTierBody = z.object({
  productId: z.string().min(1),
  level: z.enum(PAID_LEVELS),
  name,
  monthlyPriceMinor: z.number().int().min(1).max(100_000_000),
  features: FeaturesSchema,
  trialDays: z.number().int().min(0).max(90).optional(),
});
export const PatchTierBody = CreateTierBody.omit({ productId: true, level: true }).partial();
export const IdParams = z.object({ id: z.string().min(1).max(64) });

/** Bookkeeping every admin catalog row carries. */
const rowTimes = {
  position: z.number().int(),
  archivedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
};
export const CategoryRowSchema = z
  .object({ id: z.string(), slug: z.string(), name: z.string(), ...rowTimes })
  .meta({ id: "CatalogCategory" });
export const ProductRowSchema = z
  .object({
    id: z.string(),
    categoryId: z.string(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    ...rowTimes,
  })
  .meta({ id: "CatalogProduct" });
export const TierRowSchema = z
  .object({
    id: z.string(),
    productId: z.string(),
    level: z.enum(PAID_LEVELS),
    name: z.string(),
    monthlyPriceMinor: z.number().int(),
    features: FeaturesSchema,
    trialDays: z.number().int(),
    archivedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "CatalogTier" });
