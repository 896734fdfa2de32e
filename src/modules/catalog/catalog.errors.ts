import { defineErrors } from "../../shared/errors";

export const CatalogErrors = defineErrors({
  categoryNotFound: { code: "catalog.category_not_found", status: 404, title: "Category not found" },
  productNotFound: { code: "catalog.product_not_found", status: 404, title: "Product not found" },
  tierNotFound: { code: "catalog.tier_not_found", status: 404, title: "Tier not found" },
  slugTaken: { code: "catalog.slug_taken", status: 409, title: "That slug is already used" },
  levelTaken: {
    code: "catalog.level_taken",
    status: 409,
    title: "The product already has a tier of that level",
  },
});
