import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Guards } from "../auth/auth.guards";
import { QUOTE_MONTHS, type QuoteMonths, REGION_CODES } from "./pricing.models";
import type { PricingService } from "./pricing.service";

export const MonthsSchema = z.coerce
  .number()
  .int()
  .refine((m) => QUOTE_MONTHS.includes(m as QuoteMonths), "must be 1, 3, 6 or 12")
  .transform((m) => m as QuoteMonths);

export const RegionSchema = z.enum(REGION_CODES);

/** The wire Quote of API.md §4; the exact decimal rate stays on the server (orders keep it). */
export const QuoteSchema = z
  .object({
    tierId: z.string(),
    months: z.number().int(),
    region: RegionSchema,
    currency: z.string(),
    lines: z.array(
      z.object({
        code: z.enum(["base", "regional_markup", "affiliate_discount", "volume_discount"]),
        amountMinor: z.number().int(),
      }),
    ),
    totalMinor: z.number().int(),
    baseCurrency: z.literal("GBP"),
    baseTotalMinor: z.number().int(),
    fxRate: z.number(),
  })
  .meta({ id: "Quote" });

const QuoteQuery = z.object({
  tierId: z.string().min(1).max(64),
  months: MonthsSchema,
  region: RegionSchema.optional(),
});

export function pricingRoutes(deps: { pricing: PricingService; guards: Guards }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/api/v1/quotes",
      {
        onRequest: deps.guards.optionalUser,
        schema: { tags: ["pricing"], querystring: QuoteQuery, response: { 200: QuoteSchema } },
      },
      async (req) => {
        const user = req.authUser;
        return deps.pricing.quote({
          tierId: req.query.tierId,
          months: req.query.months,
          region: req.query.region ?? user?.row.region ?? "GB",
          userId: user?.id,
        });
      },
    );
  };
}
