import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { html, page, sendPage } from "../../shared/http/html";
import { botLink } from "../payments/payments.models";
import { normalizeCode } from "./affiliates.models";
import type { AffiliatesService } from "./affiliates.service";

const LandingQuery = z.object({ ref: z.string().max(64).optional() });

/**
 * The affiliate's web link, `PUBLIC_URL/?ref=CODE` (API.md §8): the visit is counted for the
 * affiliate and the visitor is sent to the bot carrying the code (`t.me/<bot>?start=ref_CODE`),
 * where the first /start attributes them (first touch, SPEC.md §Affiliates). An unknown code
 * counts nothing and leads to the bot plain; without a bot there is a page saying so.
 */
export function landingRoutes(deps: {
  affiliates: Pick<AffiliatesService, "recordVisit">;
  botUsername: () => string | undefined;
}): FastifyPluginAsyncZod {
  return async (app) => {
    app.get("/", { schema: { hide: true, querystring: LandingQuery } }, async (req, reply) => {
      const code = normalizeCode(req.query.ref);
      const visit = code ? await deps.affiliates.recordVisit(code) : undefined;
      const target = botLink(deps.botUsername(), visit ? `ref_${visit.code}` : undefined);
      reply.header("cache-control", "no-store").header("referrer-policy", "no-referrer");
      if (target) return reply.redirect(target, 302);
      return sendPage(
        reply,
        200,
        page({
          title: "signaldesk",
          body: html`<h1>signaldesk</h1><p>Trading signals delivered through our Telegram bot. The bot is not reachable from this page right now; please try again later.</p>`,
        }),
      );
    });
  };
}
