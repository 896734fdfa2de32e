import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser, type Guards } from "../auth/auth.guards";
import type { ProducersService } from "./producers.service";

const ProducerSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

export function producersRoutes(deps: {
  producers: ProducersService;
  guards: Guards;
}): FastifyPluginAsyncZod {
  const { producers, guards } = deps;
  const tags = ["admin: producers"];
  return async (app) => {
    app.post(
      "/api/v1/admin/producers",
      {
        onRequest: guards.requireAdmin,
        schema: {
          summary: "Add a signal producer",
          description:
            "A producer that publishes by signing its requests (API \u00a77.1); its secret is shown only here.",
          tags,
          body: z.object({ name: z.string().trim().min(1).max(100) }),
          response: { 201: z.object({ id: z.string(), name: z.string(), secret: z.string() }) },
        },
      },
      async (req, reply) => {
        const created = await producers.create({ kind: "admin", id: currentUser(req).id }, req.body.name);
        return reply.code(201).send(created);
      },
    );

    app.get(
      "/api/v1/admin/producers",
      {
        onRequest: guards.requireAdmin,
        schema: {
          summary: "All producers",
          description: "Every producer with its state; secrets are never shown again.",
          tags,
          response: { 200: z.object({ items: z.array(ProducerSchema) }) },
        },
      },
      async () => ({ items: await producers.list() }),
    );

    app.delete(
      "/api/v1/admin/producers/:id",
      {
        onRequest: guards.requireAdmin,
        schema: {
          summary: "Revoke a producer",
          description: "Its signed calls and alert URL stop working at once.",
          tags,
          params: z.object({ id: z.string().min(1).max(64) }),
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await producers.revoke({ kind: "admin", id: currentUser(req).id }, req.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
