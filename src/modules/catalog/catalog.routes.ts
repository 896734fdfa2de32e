import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser, type Guards } from "../auth/auth.guards";
import {
  CatalogSchema,
  CategoryRowSchema,
  CreateCategoryBody,
  CreateProductBody,
  CreateTierBody,
  IdParams,
  PatchCategoryBody,
  PatchProductBody,
  PatchTierBody,
  ProductRowSchema,
  TierRowSchema,
} from "./catalog.schemas";
import type { CatalogService } from "./catalog.service";
import { categoryView, productView, tierView } from "./catalog.views";

export function catalogRoutes(deps: { catalog: CatalogService; guards: Guards }): FastifyPluginAsyncZod {
  const { catalog, guards } = deps;
  return async (app) => {
    app.get(
      "/api/v1/catalog",
      {
        schema: {
          tags: ["catalog"],
          summary: "The plans on sale",
          description:
            "Categories, their products and each product's tiers with the monthly price in GBP minor units and the features a tier gives. Archived entries are left out. Public.",
          response: { 200: CatalogSchema },
        },
      },
      () => catalog.view(),
    );

    const admin = { onRequest: guards.requireAdmin };
    const tags = ["admin: catalog"];
    app.post(
      "/api/v1/admin/catalog/categories",
      {
        ...admin,
        config: { problems: [409] },
        schema: {
          tags,
          summary: "Create a category",
          description: "A new catalog category; 409 when its slug is taken.",
          body: CreateCategoryBody,
          response: { 201: CategoryRowSchema },
        },
      },
      async (req, reply) =>
        reply.code(201).send(categoryView(await catalog.createCategory(currentUser(req), req.body))),
    );
    app.patch(
      "/api/v1/admin/catalog/categories/:id",
      {
        ...admin,
        config: { problems: [409] },
        schema: {
          tags,
          summary: "Edit a category",
          description: "Changes the given fields of a category; 409 when the new slug is taken.",
          params: IdParams,
          body: PatchCategoryBody,
          response: { 200: CategoryRowSchema },
        },
      },
      async (req) => categoryView(await catalog.updateCategory(currentUser(req), req.params.id, req.body)),
    );
    app.delete(
      "/api/v1/admin/catalog/categories/:id",
      {
        ...admin,
        schema: {
          tags,
          summary: "Archive a category",
          description: "Hides the category from the catalog; existing orders and plans are kept.",
          params: IdParams,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await catalog.archiveCategory(currentUser(req), req.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      "/api/v1/admin/catalog/products",
      {
        ...admin,
        config: { problems: [404, 409] },
        schema: {
          tags,
          summary: "Create a product",
          description:
            "A new product in a category; 404 when the category does not exist, 409 when the slug is taken.",
          body: CreateProductBody,
          response: { 201: ProductRowSchema },
        },
      },
      async (req, reply) =>
        reply.code(201).send(productView(await catalog.createProduct(currentUser(req), req.body))),
    );
    app.patch(
      "/api/v1/admin/catalog/products/:id",
      {
        ...admin,
        config: { problems: [409] },
        schema: {
          tags,
          summary: "Edit a product",
          description: "Changes the given fields of a product; 409 when the new slug is taken.",
          params: IdParams,
          body: PatchProductBody,
          response: { 200: ProductRowSchema },
        },
      },
      async (req) => productView(await catalog.updateProduct(currentUser(req), req.params.id, req.body)),
    );
    app.delete(
      "/api/v1/admin/catalog/products/:id",
      {
        ...admin,
        schema: {
          tags,
          summary: "Archive a product",
          description:
            "Hides the product and its tiers from the catalog; existing orders and plans are kept.",
          params: IdParams,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await catalog.archiveProduct(currentUser(req), req.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      "/api/v1/admin/catalog/tiers",
      {
        ...admin,
        config: { problems: [404, 409] },
        schema: {
          tags,
          summary: "Create a tier",
          description:
            "A new tier (level, monthly price in GBP minor units, features, trial days) of a product; 409 when the product already has a tier at that level.",
          body: CreateTierBody,
          response: { 201: TierRowSchema },
        },
      },
      async (req, reply) =>
        reply.code(201).send(tierView(await catalog.createTier(currentUser(req), req.body))),
    );
    app.patch(
      "/api/v1/admin/catalog/tiers/:id",
      {
        ...admin,
        schema: {
          tags,
          summary: "Edit a tier",
          description:
            "Changes the given fields of a tier (name, price, features, trial days); new orders use them.",
          params: IdParams,
          body: PatchTierBody,
          response: { 200: TierRowSchema },
        },
      },
      async (req) => tierView(await catalog.updateTier(currentUser(req), req.params.id, req.body)),
    );
    app.delete(
      "/api/v1/admin/catalog/tiers/:id",
      {
        ...admin,
        schema: {
          tags,
          summary: "Archive a tier",
          description: "Takes the tier off sale; plans already bought at this tier run to their end.",
          params: IdParams,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await catalog.archiveTier(currentUser(req), req.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
