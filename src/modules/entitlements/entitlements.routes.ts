import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser, type Guards } from "../auth/auth.guards";
import { PAID_LEVELS } from "../catalog/catalog.models";
import { LEVELS } from "../users/users.models";
import type { EntitlementsService } from "./entitlements.service";

const EntitlementsView = z.object({
  tier: z.enum(LEVELS),
  features: z.object({
    signals: z.boolean(),
    maxDevices: z.number().int(),
    autoApprove: z.boolean(),
    minSignalTier: z.enum(PAID_LEVELS).optional(),
  }),
  items: z.array(
    z.object({
      id: z.string(),
      tierId: z.string(),
      level: z.enum(PAID_LEVELS),
      startsAt: z.string(),
      expiresAt: z.string(),
      source: z.union([z.object({ orderId: z.string() }), z.object({ grantedBy: z.string() })]),
      active: z.boolean(),
    }),
  ),
});

export function entitlementsRoutes(deps: {
  entitlements: EntitlementsService;
  guards: Guards;
}): FastifyPluginAsyncZod {
  const { entitlements, guards } = deps;
  return async (app) => {
    app.get(
      "/api/v1/me/entitlements",
      {
        onRequest: guards.requireUser,
        schema: { tags: ["entitlements"], response: { 200: EntitlementsView } },
      },
      (req) => entitlements.view(currentUser(req).id),
    );

    app.post(
      "/api/v1/admin/users/:userId/entitlements",
      {
        onRequest: guards.requireAdmin,
        schema: {
          tags: ["admin: entitlements"],
          params: z.object({ userId: z.string().min(1).max(64) }),
          body: z.object({ tierId: z.string().min(1).max(64), days: z.number().int().min(1).max(3650) }),
        },
      },
      async (req, reply) => {
        const row = await entitlements.adminGrant(
          currentUser(req),
          req.params.userId,
          req.body.tierId,
          req.body.days,
        );
        return reply.code(201).send({
          id: row.id,
          userId: row.userId,
          tierId: row.tierId,
          level: row.level,
          startsAt: row.startsAt.toISOString(),
          expiresAt: row.expiresAt.toISOString(),
          source: { grantedBy: row.grantedBy },
        });
      },
    );

    app.delete(
      "/api/v1/admin/entitlements/:id",
      {
        onRequest: guards.requireAdmin,
        schema: { tags: ["admin: entitlements"], params: z.object({ id: z.string().min(1).max(64) }) },
      },
      async (req, reply) => {
        await entitlements.adminRevoke(currentUser(req), req.params.id);
        return reply.code(204).send();
      },
    );
  };
}
