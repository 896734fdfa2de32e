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
          summary: "The payout queue",
          description: "Payouts by status, oldest requests first.",
          tags,
          querystring: PageQuery.extend({ status: z.enum(PAYOUT_STATUSES).optional() }),
          response: { 200: AdminPayoutPage },
        },
      },
      (req) => admin.listPayouts(req.query),
    );

    app.post(
      "/api/v1/admin/payouts/:id/approve",
      {
        ...adminOnly,
        config: { problems: [409] },
        schema: {
          summary: "Approve a payout held for review",
          description:
            "An affiliate's first payout is held until an admin approves it; then it can be completed (or still rejected). 409 affiliates.payout_not_held when it is not waiting for approval, affiliates.payout_not_requested when already decided.",
          tags,
          params: IdParams,
          response: { 200: PayoutSchema },
        },
      },
      async (req) => payoutView(await admin.approvePayout(currentUser(req), req.params.id)),
    );

    app.post(
      "/api/v1/admin/payouts/:id/complete",
      {
        ...adminOnly,
        config: { problems: [409] },
        schema: {
          summary: "Mark a payout paid",
          description:
            "With the transfer's reference. 409 when it is not requested, or affiliates.payout_held while it awaits approval.",
          tags,
          params: IdParams,
          body: CompleteBody,
          response: { 200: PayoutSchema },
        },
      },
      async (req) =>
        payoutView(await admin.completePayout(currentUser(req), req.params.id, req.body.reference)),
    );

    app.post(
      "/api/v1/admin/payouts/:id/reject",
      {
        ...adminOnly,
        config: { problems: [409] },
        schema: {
          summary: "Reject a payout",
          description:
            "With a reason; the amount returns to the affiliate's available balance. 409 when it is not requested.",
          tags,
          params: IdParams,
          body: RejectBody,
          response: { 200: PayoutSchema },
        },
      },
      async (req) => payoutView(await admin.rejectPayout(currentUser(req), req.params.id, req.body.reason)),
    );

    app.get(
      "/api/v1/admin/affiliates/flags",
      {
        ...adminOnly,
        schema: {
          summary: "The fraud review queue",
          description:
            "Referrals flagged as possibly self-referred or shared (same account, payment or device), open first.",
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
        {
          ...adminOnly,
          config: { problems: [409] },
          schema: {
            summary: verdict === "clear" ? "Clear a fraud flag" : "Confirm a fraud flag",
            description:
              verdict === "clear"
                ? "The referral was genuine: the flag is closed and its commissions go on as usual. 409 when already reviewed."
                : "The referral was fraudulent: it stops counting (no discount, no new commission) and what it earned is reversed, or clawed back from payouts. 409 when already reviewed.",
            tags,
            params: IdParams,
            body: ReviewBody,
            response: { 200: FlagSchema },
          },
        },
        (req) => {
          const review = verdict === "clear" ? admin.clearFlag : admin.confirmFlag;
          return review(currentUser(req), req.params.id, req.body?.note || null);
        },
      );
    }
  };
}
