import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser, type Guards } from "../auth/auth.guards";
import { SUBSCRIPTION_STATUSES } from "./subscriptions.models";
import type { SubscriptionsService } from "./subscriptions.service";
import { SUBSCRIPTION_PROVIDERS } from "./subscriptions.table";

export const SubscriptionSchema = z
  .object({
    id: z.string(),
    tierId: z.string(),
    months: z.number().int(),
    provider: z.enum(SUBSCRIPTION_PROVIDERS),
    status: z.enum(SUBSCRIPTION_STATUSES),
    /** When the paid (or grace) time of the subscription runs out; null before its first payment lands. */
    currentPeriodEnd: z.string().nullable(),
    cancelAtPeriodEnd: z.boolean(),
    amountMinor: z.number().int(),
    currency: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: "Subscription" });

const Params = z.object({ id: z.string().min(1).max(64) });

/** API.md §13: the subscriber's own subscriptions, cancel and resume at period end, the card portal. */
export function subscriptionsRoutes(deps: {
  subscriptions: SubscriptionsService;
  guards: Guards;
}): FastifyPluginAsyncZod {
  const { subscriptions } = deps;
  return async (app) => {
    const user = { onRequest: deps.guards.requireUser };
    const tags = ["subscriptions"];
    app.get(
      "/api/v1/me/subscriptions",
      {
        ...user,
        schema: {
          summary: "My subscriptions",
          description:
            "The caller's auto-renewing plans (card or Stars) with status, the end of the paid period and whether they stop at its end.",
          tags,
          response: { 200: z.object({ items: z.array(SubscriptionSchema) }) },
        },
      },
      async (req) => ({ items: await subscriptions.listOwn(currentUser(req).id) }),
    );
    app.post(
      "/api/v1/me/subscriptions/:id/cancel",
      {
        ...user,
        config: { problems: [409] },
        schema: {
          summary: "Stop renewing at period end",
          description:
            "The plan runs to the end of the paid period and is not charged again; 409 subscriptions.ended for an ended one, 503 when its payment provider is not configured.",
          tags,
          params: Params,
          response: { 200: SubscriptionSchema },
        },
      },
      async (req) => subscriptions.cancel(currentUser(req).id, req.params.id),
    );
    app.post(
      "/api/v1/me/subscriptions/:id/resume",
      {
        ...user,
        config: { problems: [409] },
        schema: {
          summary: "Keep renewing",
          description:
            "Undoes a cancel before the period ends; 409 subscriptions.ended for an ended one, 503 when its payment provider is not configured.",
          tags,
          params: Params,
          response: { 200: SubscriptionSchema },
        },
      },
      async (req) => subscriptions.resume(currentUser(req).id, req.params.id),
    );
    app.post(
      "/api/v1/me/billing-portal",
      {
        ...user,
        config: { problems: [409, 502] },
        schema: {
          summary: "Manage my card",
          description:
            "A Stripe customer-portal URL to change the card or see invoices; 409 when the caller has no card subscription, 503 when Stripe is not configured.",
          tags,
          response: { 200: z.object({ url: z.string() }) },
        },
      },
      async (req) => subscriptions.billingPortal(currentUser(req).id),
    );
  };
}
