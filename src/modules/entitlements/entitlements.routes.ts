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
        schema: {
          summary: "My plan",
          description:
            "The caller's current tier and features, and every plan period with its source and whether it is active now.",
          tags: ["entitlements"],
          response: { 200: EntitlementsView },
        },
      },
      (req) => entitlements.view(currentUser(req).id),
    );

    // A free trial of a tier with `trialDays` (SPEC.md §Subscriptions): once per account, never after paying.
    app.post(
      "/api/v1/me/trials",
      {
        onRequest: guards.requireUser,
        config: { problems: [404, 409] },
        schema: {
          summary: "Start a free trial",
          description:
            "Starts a tier's free trial: once per Telegram account, never after a paid order (409 entitlements.trial_used), only for a tier that offers one (404 unknown tier).",
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
          summary: "Grant a plan period",
          description:
            "Gives a user a tier for a number of days (chained after their current period of that tier).",
          tags: ["admin: entitlements"],
          params: z.object({ userId: z.string().min(1).max(64) }),
          body: z.object({ tierId: z.string().min(1).max(64), days: z.number().int().min(1).max(3650) }),
          response: {
            201: z.object({
              id: z.string(),
              userId: z.string(),
              tierId: z.string(),
              level: z.enum(PAID_LEVELS),
              startsAt: z.string(),
              expiresAt: z.string(),
              source: z.object({ grantedBy: z.string().nullable() }),
            }),
          },
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
        schema: {
          summary: "Revoke a plan period",
          description:
            "Ends a plan period at once; channel members who stop qualifying are removed within seconds.",
          tags: ["admin: entitlements"],
          params: z.object({ id: z.string().min(1).max(64) }),
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await entitlements.adminRevoke(currentUser(req), req.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
