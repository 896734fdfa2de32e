import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import type { Database } from "../../db/client";
import { CommonErrors } from "../errors";
import type { Metrics } from "../metrics";
import { OpsErrors } from "./ops.errors";
import { answeredUnderPressure } from "./overload";
import { databaseProbe } from "./readiness";

declare module "fastify" {
  interface FastifyContextConfig {
    /** false: exempt from the per-IP limit (signed device/webhook routes and ops endpoints). */
    rateLimit?: false;
  }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Who may read /metrics (they name routes, volumes and error rates): with METRICS_TOKEN, whoever
 * sends it as a bearer token; without, only clients on this machine (`request.ip`, so behind a
 * proxy that TRUST_PROXY names, the real client's address counts).
 */
export function metricsAccess(token: string | undefined) {
  const expected = token ? digest(`Bearer ${token}`) : undefined;
  return async function mayReadMetrics(request: FastifyRequest): Promise<void> {
    if (expected) {
      const given = request.headers.authorization;
      // Compared as digests: constant time whatever the lengths.
      if (typeof given !== "string" || !timingSafeEqual(digest(given), expected)) {
        throw CommonErrors.unauthenticated("Send Authorization: Bearer <METRICS_TOKEN>");
      }
      return;
    }
    if (!LOOPBACK.test(request.ip)) {
      throw OpsErrors.metricsLocalOnly();
    }
  };
}

export function opsRoutes(deps: {
  database: Database;
  metrics: Metrics;
  migrated: () => boolean;
  config: { metricsToken: string | undefined };
}): FastifyPluginAsync {
  return async (app) => {
    const ops = {
      config: { rateLimit: false as const, pressureHandler: answeredUnderPressure },
      schema: { hide: true },
    };
    app.get("/healthz", ops, async () => ({ status: "ok" }));

    const databaseAnswers = databaseProbe(deps.database);
    app.get("/readyz", ops, async (_request, reply) => {
      if (!(await databaseAnswers()))
        return reply.code(503).send({ status: "unavailable", database: "down" });
      if (!deps.migrated()) return reply.code(503).send({ status: "unavailable", migrations: "pending" });
      return { status: "ready" };
    });

    app.get(
      "/metrics",
      { ...ops, onRequest: metricsAccess(deps.config.metricsToken) },
      async (_request, reply) => {
        reply.type(deps.metrics.registry.contentType);
        return deps.metrics.registry.metrics();
      },
    );
  };
}
