import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { RECORD_CACHE_MS, type TrackRecordService } from "./track-record.service";

const TrackRecordSchema = z
  .object({
    days: z.number().int(),
    since: z.string(),
    generatedAt: z.string(),
    signals: z.number().int(),
    wins: z.number().int(),
    losses: z.number().int(),
    breakeven: z.number().int(),
    winRate: z.number(),
    totalPips: z.number(),
    averageR: z.number().nullable(),
    maxDrawdownR: z.number(),
    unresolved: z.number().int(),
    items: z.array(
      z.object({
        signalId: z.string(),
        instrument: z.string(),
        side: z.enum(["buy", "sell"]),
        closedAt: z.string(),
        entry: z.number(),
        exit: z.number(),
        pips: z.number(),
        r: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: "TrackRecord" });

/** The public, verified track record (SPEC "Positions, sources and track record"). */
export function trackRecordRoutes(deps: { trackRecord: TrackRecordService }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/api/v1/track-record",
      {
        schema: {
          summary: "The verified track record",
          description: "Closed signals with their outcome from devices' reported fills and closes. Public.",
          tags: ["track record"],
          querystring: z.object({ days: z.coerce.number().int().min(1).max(365).default(30) }),
          response: { 200: TrackRecordSchema },
        },
      },
      async (req, reply) => {
        reply.header("cache-control", `public, max-age=${RECORD_CACHE_MS / 1000}`);
        return deps.trackRecord.record(req.query.days);
      },
    );
  };
}
