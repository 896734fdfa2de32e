import type { z } from "zod";
import type { CategoryRowSchema, ProductRowSchema, TierRowSchema } from "./catalog.schemas";
import type { catalogCategories, catalogProducts, catalogTiers } from "./catalog.table";

type Times = { archivedAt: Date | null; createdAt: Date; updatedAt: Date };
const times = (row: Times) => ({
  archivedAt: row.archivedAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const categoryView = (
  row: typeof catalogCategories.$inferSelect,
): z.infer<typeof CategoryRowSchema> => ({ ...row, ...times(row) });

export const productView = (row: typeof catalogProducts.$inferSelect): z.infer<typeof ProductRowSchema> => ({
  ...row,
  ...times(row),
});

export const tierView = (row: typeof catalogTiers.$inferSelect): z.infer<typeof TierRowSchema> => ({
  ...row,
  ...times(row),
});
