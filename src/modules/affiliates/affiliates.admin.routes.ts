import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser, type Guards } from "../auth/auth.guards";
import {
  AdminPayoutPage,
  CompleteBody,
  FlagPage,
  FlagSchema,
  IdParams,
  PAYOUT_STATUSES,
  PageQuery,
  PayoutSchema,
  RejectBody,
  ReviewBody,
} from "./affiliates.schemas";
import type { AffiliatesService } from "./affiliates.service";
import { payoutView } from "./payouts.service";

export function affiliatesAdminRoutes(deps: {
  affiliates: AffiliatesService;
  guards: Guards;
}): FastifyPluginAsyncZod {
  const { admin } = deps.affiliates;
  return async (app) => {
    const adminOnly = { onRequest: deps.guards.requireAdmin };
    const tags = ["admin: affiliates"];

    app.get(
      "/api/v1/admin/payouts",
      {
        ...adminOnly,
        schema: {
          tags,
          querystring: PageQuery.extend({ status: z.enum(PAYOUT_STATUSES).optional() }),
          response: { 200: AdminPayoutPage },
        },
      },
      (req) => admin.listPayouts(req.query),
    );

    app.post(
      "/api/v1/admin/payouts/:id/complete",
      {
        ...adminOnly,
        schema: { tags, params: IdParams, body: CompleteBody, response: { 200: PayoutSchema } },
      },
      async (req) =>
        payoutView(await admin.completePayout(currentUser(req), req.params.id, req.body.reference)),
    );

    app.post(
      "/api/v1/admin/payouts/:id/reject",
      { ...adminOnly, schema: { tags, params: IdParams, body: RejectBody, response: { 200: PayoutSchema } } },
      async (req) => payoutView(await admin.rejectPayout(currentUser(req), req.params.id, req.body.reason)),
    );

    app.get(
      "/api/v1/admin/affiliates/flags",
      {
        ...adminOnly,
        schema: {
          tags,
          querystring: PageQuery.extend({ status: z.enum(["open", "cleared", "confirmed"]).optional() }),
          response: { 200: FlagPage },
        },
      },
      (req) => admin.listFlags(req.query),
    );

    for (const verdict of ["clear", "confirm"] as const) {
      app.post(
        `/api/v1/admin/affiliates/flags/:id/${verdict}`,
        { ...adminOnly, schema: { tags, params: IdParams, body: ReviewBody, response: { 200: FlagSchema } } },
        (req) => {
          const review = verdict === "clear" ? admin.clearFlag : admin.confirmFlag;
          return review(currentUser(req), req.params.id, req.body?.note || null);
        },
      );
    }
  };
}
