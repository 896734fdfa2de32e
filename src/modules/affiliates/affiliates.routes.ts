import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { IdempotencyHeaders, replyIdempotentWrite } from "../../shared/http/idempotency.http";
import type { IdempotencyService } from "../../shared/idempotency/idempotency.service";
import { currentUser, type Guards } from "../auth/auth.guards";
import {
  AffiliateSchema,
  AffiliateWithStatsSchema,
  CommissionPage,
  IdParams,
  PageQuery,
  PayoutPage,
  PayoutRequestBody,
  PayoutSchema,
} from "./affiliates.schemas";
import type { AffiliatesService } from "./affiliates.service";
import { payoutView } from "./payouts.service";

export function affiliatesRoutes(deps: {
  affiliates: AffiliatesService;
  guards: Guards;
  idempotency: IdempotencyService;
}): FastifyPluginAsyncZod {
  const { affiliates, guards } = deps;
  return async (app) => {
    const user = { onRequest: guards.requireUser };
    const tags = ["affiliates"];

    app.post(
      "/api/v1/affiliates",
      {
        ...user,
        config: { problems: [409] },
        schema: {
          summary: "Become an affiliate",
          description:
            "Answers the caller's referral code and links (web and Telegram). 409 affiliates.already_registered.",
          tags,
          response: { 201: AffiliateSchema },
        },
      },
      async (req, reply) => reply.code(201).send(await affiliates.register(currentUser(req).id)),
    );

    app.get(
      "/api/v1/affiliates/me",
      {
        ...user,
        config: { problems: [404] },
        schema: {
          summary: "My affiliate card",
          description:
            "Code, tier, rate, links and earnings: referrals, conversions, pending, available, requested and paid amounts.",
          tags,
          response: { 200: AffiliateWithStatsSchema },
        },
      },
      (req) => affiliates.view(currentUser(req).id),
    );

    app.get(
      "/api/v1/affiliates/me/commissions",
      {
        ...user,
        config: { problems: [404] },
        schema: {
          summary: "My commissions",
          description:
            "Each commission with its state (pending during the hold, available, paid, reversed); the referred buyer is not shown.",
          tags,
          querystring: PageQuery,
          response: { 200: CommissionPage },
        },
      },
      (req) => affiliates.commissions(currentUser(req).id, req.query),
    );

    app.post(
      "/api/v1/affiliates/me/payouts",
      {
        ...user,
        config: { problems: [404, 409] },
        schema: {
          summary: "Request a payout",
          description:
            "From the available balance: 409 affiliates.insufficient_balance above it, 400 affiliates.below_minimum under the minimum, 429 for a second request within 10 s.",
          tags,
          headers: IdempotencyHeaders,
          body: PayoutRequestBody,
          response: { 201: PayoutSchema },
        },
      },
      async (req, reply) => {
        const caller = currentUser(req);
        // The payout and the stored response commit together: a crash cannot leave a payout that
        // a retry with the same key would request again.
        return replyIdempotentWrite(
          deps.idempotency,
          req,
          reply,
          { userId: caller.id, scope: "affiliates.payout", request: req.body },
          async () => undefined,
          async (tx) => ({
            status: 201,
            body: payoutView(await affiliates.requestPayout(caller.id, req.body.amountMinor, tx)),
          }),
        );
      },
    );

    app.get(
      "/api/v1/affiliates/me/payouts",
      {
        ...user,
        config: { problems: [404] },
        schema: {
          summary: "My payouts",
          description: "Requested, paid and rejected payouts, newest first.",
          tags,
          querystring: PageQuery,
          response: { 200: PayoutPage },
        },
      },
      (req) => affiliates.payouts.listOwn(currentUser(req).id, req.query),
    );

    app.get(
      "/api/v1/affiliates/me/payouts/:id",
      {
        ...user,
        schema: {
          summary: "One of my payouts",
          description: "A payout of the caller's; anyone else's is 404.",
          tags,
          params: IdParams,
          response: { 200: PayoutSchema },
        },
      },
      async (req) => payoutView(await affiliates.payouts.findOwn(currentUser(req).id, req.params.id)),
    );
  };
}
