import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Guards } from "../auth/auth.guards";
import {
  DEFAULT_REGION,
  QUOTE_MONTHS,
  type Quote,
  type QuoteMonths,
  REGION_CODES,
  type RegionCode,
} from "./pricing.models";
import type { PricingService } from "./pricing.service";

export const MonthsSchema = z.coerce
  .number()
  .int()
  .refine((m) => QUOTE_MONTHS.includes(m as QuoteMonths), "must be 1, 3, 6 or 12")
  // The refinement is invisible to the document; the enum says the same to clients.
  .meta({ enum: [...QUOTE_MONTHS] })
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
        code: z.enum(["base", "regional_markup", "affiliate_discount", "volume_discount", "coupon"]),
        amountMinor: z.number().int(),
      }),
    ),
    totalMinor: z.number().int(),
    baseCurrency: z.literal("GBP"),
    baseTotalMinor: z.number().int(),
    fxRate: z.number(),
  })
  .meta({ id: "Quote" });

/** A coupon code as typed: case does not matter, the stored code is upper case. */
export const CouponCodeSchema = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .transform((c) => c.toUpperCase());

const QuoteQuery = z.object({
  tierId: z.string().min(1).max(64),
  months: MonthsSchema,
  region: RegionSchema.optional(),
  coupon: CouponCodeSchema.optional(),
});

/** What an anonymous quote without a coupon depends on besides the catalog and the rates. */
export interface AnonymousQuote {
  tierId: string;
  months: QuoteMonths;
  region: RegionCode;
}

/** The wire form of a quote: API.md's fields only, in the schema's order. */
export function quoteView(quote: Quote): z.infer<typeof QuoteSchema> {
  return {
    tierId: quote.tierId,
    months: quote.months,
    region: quote.region,
    currency: quote.currency,
    lines: quote.lines.map((l) => ({ code: l.code, amountMinor: l.amountMinor })),
    totalMinor: quote.totalMinor,
    baseCurrency: quote.baseCurrency,
    baseTotalMinor: quote.baseTotalMinor,
    fxRate: quote.fxRate,
  };
}

// Quotes are shared per distinct input (see the pricing service), so their JSON can be too: the
// hottest public route then skips building and validating the same body again. Keyed weakly by
// the quote, so the memo's bound is this one's too; a coupon quote is new each time.
const wireJson = new WeakMap<Quote, string>();

/** A quote's answer body, checked against QuoteSchema once per quote. */
export function quoteJson(quote: Quote): string {
  let json = wireJson.get(quote);
  if (json === undefined) {
    json = JSON.stringify(QuoteSchema.parse(quoteView(quote)));
    wireJson.set(quote, json);
  }
  return json;
}

export function pricingRoutes(deps: {
  pricing: PricingService;
  guards: Guards;
  /** Told of each anonymous quote without a coupon answered (pricing.quote-answers.ts). */
  onAnonymousQuote?: (rawUrl: string, request: AnonymousQuote) => void;
}): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/api/v1/quotes",
      {
        onRequest: deps.guards.optionalUser,
        config: { problems: [404, 409] },
        schema: {
          summary: "Price a plan",
          description:
            "The exact price of a tier for 1, 3, 6 or 12 months in a region, line by line (base, regional markup, affiliate, volume and coupon discounts) in integer minor units. Auth optional: the affiliate discount applies to a referred caller. 404 unknown tier; 409 a coupon that cannot be used.",
          tags: ["pricing"],
          querystring: QuoteQuery,
          response: { 200: QuoteSchema },
        },
      },
      async (req, reply) => {
        const user = req.authUser;
        const request = {
          tierId: req.query.tierId,
          months: req.query.months,
          region: req.query.region ?? user?.row.region ?? DEFAULT_REGION,
        };
        const quote = await deps.pricing.quote({ ...request, userId: user?.id, coupon: req.query.coupon });
        if (!user && req.query.coupon === undefined) deps.onAnonymousQuote?.(req.url, request);
        // A string body skips the serializer; it was checked against QuoteSchema when cached.
        return reply.type("application/json; charset=utf-8").send(quoteJson(quote) as never);
      },
    );
  };
}
