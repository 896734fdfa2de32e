import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { currentUser, type Guards } from "../auth/auth.guards";
import {
  CatalogSchema,
  CreateCategoryBody,
  CreateProductBody,
  CreateTierBody,
  IdParams,
  PatchCategoryBody,
  PatchProductBody,
  PatchTierBody,
} from "./catalog.schemas";
import type { CatalogService } from "./catalog.service";

export function catalogRoutes(deps: { catalog: CatalogService; guards: Guards }): FastifyPluginAsyncZod {
  const { catalog, guards } = deps;
  return async (app) => {
    app.get("/api/v1/catalog", { schema: { tags: ["catalog"], response: { 200: CatalogSchema } } }, () =>
      catalog.view(),
    );

    const admin = { onRequest: guards.requireAdmin };
    const tags = ["admin: catalog"];
    app.post(
      "/api/v1/admin/catalog/categories",
      { ...admin, schema: { tags, body: CreateCategoryBody } },
      async (req, reply) => reply.code(201).send(await catalog.createCategory(currentUser(req), req.body)),
    );
    app.patch(
      "/api/v1/admin/catalog/categories/:id",
      { ...admin, schema: { tags, params: IdParams, body: PatchCategoryBody } },
      (req) => catalog.updateCategory(currentUser(req), req.params.id, req.body),
    );
    app.delete(
      "/api/v1/admin/catalog/categories/:id",
      { ...admin, schema: { tags, params: IdParams } },
      async (req, reply) => {
        await catalog.archiveCategory(currentUser(req), req.params.id);
        return reply.code(204).send();
      },
    );

    app.post(
      "/api/v1/admin/catalog/products",
      { ...admin, schema: { tags, body: CreateProductBody } },
      async (req, reply) => reply.code(201).send(await catalog.createProduct(currentUser(req), req.body)),
    );
    app.patch(
      "/api/v1/admin/catalog/products/:id",
      { ...admin, schema: { tags, params: IdParams, body: PatchProductBody } },
      (req) => catalog.updateProduct(currentUser(req), req.params.id, req.body),
    );
    app.delete(
      "/api/v1/admin/catalog/products/:id",
      { ...admin, schema: { tags, params: IdParams } },
      async (req, reply) => {
        await catalog.archiveProduct(currentUser(req), req.params.id);
        return reply.code(204).send();
      },
    );

    app.post(
      "/api/v1/admin/catalog/tiers",
      { ...admin, schema: { tags, body: CreateTierBody } },
      async (req, reply) => reply.code(201).send(await catalog.createTier(currentUser(req), req.body)),
    );
    app.patch(
      "/api/v1/admin/catalog/tiers/:id",
      { ...admin, schema: { tags, params: IdParams, body: PatchTierBody } },
      (req) => catalog.updateTier(currentUser(req), req.params.id, req.body),
    );
    app.delete(
      "/api/v1/admin/catalog/tiers/:id",
      { ...admin, schema: { tags, params: IdParams } },
      async (req, reply) => {
        await catalog.archiveTier(currentUser(req), req.params.id);
        return reply.code(204).send();
      },
    );
  };
}
