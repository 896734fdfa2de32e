import type { FastifyPluginAsync } from "fastify";
import type { Database } from "../../db/client";
import type { Metrics } from "../metrics";

declare module "fastify" {
  interface FastifyContextConfig {
    /** false: exempt from the per-IP limit (signed device/webhook routes and ops endpoints). */
    rateLimit?: false;
  }
}

export function opsRoutes(deps: {
  database: Database;
  metrics: Metrics;
  migrated: () => boolean;
}): FastifyPluginAsync {
  return async (app) => {
    const ops = { config: { rateLimit: false as const }, schema: { hide: true } };
    app.get("/healthz", ops, async () => ({ status: "ok" }));

    app.get("/readyz", ops, async (_request, reply) => {
      try {
        await deps.database.query("select 1");
      } catch {
        return reply.code(503).send({ status: "unavailable", database: "down" });
      }
      if (!deps.migrated()) return reply.code(503).send({ status: "unavailable", migrations: "pending" });
      return { status: "ready" };
    });

    app.get("/metrics", ops, async (_request, reply) => {
      reply.type(deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    });
  };
}
