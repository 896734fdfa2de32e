import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser, type Guards } from "../auth/auth.guards";
import { LEVELS, PAID_LEVELS } from "../catalog/catalog.models";
import type { EntitlementsService } from "./entitlements.service";
import { ENTITLEMENT_SOURCES, type EntitlementRow } from "./entitlements.table";

const PeriodSchema = z
  .object({
    id: z.string(),
    tierId: z.string(),
    level: z.enum(PAID_LEVELS),
    startsAt: z.string(),
    expiresAt: z.string(),
    kind: z.enum(ENTITLEMENT_SOURCES),
  })
  .meta({ id: "TrialPeriod" });

const periodView = (row: EntitlementRow) => ({
  id: row.id,
  tierId: row.tierId,
  level: row.level,
  startsAt: row.startsAt.toISOString(),
  expiresAt: row.expiresAt.toISOString(),
  kind: row.sourceKind,
});

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
      /** What created the period: a paid order, an admin grant, a free trial or a renewal's grace. */
      kind: z.enum(ENTITLEMENT_SOURCES),
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

    // A free trial of a tier with `trialDays` (SPEC.md §Subscriptions): once per account, never after paying.
    app.post(
      "/api/v1/me/trials",
      {
        onRequest: guards.requireUser,
        schema: {
          tags: ["entitlements"],
          body: z.object({ tierId: z.string().min(1).max(64) }),
          response: { 201: PeriodSchema },
        },
      },
      async (req, reply) =>
        reply.code(201).send(periodView(await entitlements.startTrial(currentUser(req).id, req.body.tierId))),
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
