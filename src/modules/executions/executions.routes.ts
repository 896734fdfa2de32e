import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { exactJson } from "../../shared/http/exact-json";
import { currentUser, type Guards } from "../auth/auth.guards";
import { AttributionReport, AttributionReportWire, ExecutionHistory } from "./executions.schemas";
import type { ExecutionsService } from "./executions.service";

export function executionsRoutes(deps: {
  executions: ExecutionsService;
  guards: Guards;
}): FastifyPluginAsyncZod {
  const { executions, guards } = deps;
  return async (app) => {
    app.get(
      "/api/v1/signals/:id/executions",
      {
        onRequest: guards.requireUser,
        schema: {
          summary: "What devices did with a signal",
          description:
            "Per device: ACK, fill, error and every update's result, with a summary; users see their own devices, admins all.",
          tags: ["signals"],
          params: z.object({ id: z.string().min(1).max(64) }),
          response: { 200: ExecutionHistory },
        },
      },
      (req) => executions.forSignal(currentUser(req), req.params.id),
    );

    app.get(
      "/api/v1/admin/users/:userId/attribution",
      {
        onRequest: guards.requireAdmin,
        schema: {
          summary: "A user's bot versus manual trades",
          description:
            "Closed trades the user's devices reported over 1..365 days, split into bot (from a signal) and manual, with profit and win rate.",
          tags: ["admin: executions"],
          params: z.object({ userId: z.string().min(1).max(64) }),
          querystring: z.object({ days: z.coerce.number().int().min(1).max(365).default(30) }),
          response: { 200: AttributionReport },
        },
        // Totals of minor units can pass 2^53: they are written as exact JSON integers, which the
        // default serializer (a zod integer, then JSON.stringify) would refuse with a 500.
        serializerCompiler: () => (data) => exactJson(AttributionReportWire.parse(data)),
      },
      // The wire schema above accepts the BigInt totals the documented schema cannot name.
      async (req) =>
        (await executions.attributionFor(req.params.userId, req.query.days)) as unknown as z.infer<
          typeof AttributionReport
        >,
    );
  };
}
