import { getHeapStatistics } from "node:v8";
import underPressure from "@fastify/under-pressure";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../../config";
import { CommonErrors } from "../errors";
import type { Metrics } from "../metrics";

const MB = 1024 * 1024;

type PressureHandler = (
  request: FastifyRequest,
  reply: FastifyReply,
  type: string,
  value?: number,
) => unknown;

declare module "fastify" {
  interface FastifyContextConfig {
    /** @fastify/under-pressure's per-route answer when the process is overloaded. */
    pressureHandler?: PressureHandler;
  }
}

/**
 * For routes answered even under pressure (route config `pressureHandler`): the load balancer
 * must still see /healthz and /readyz, and Prometheus /metrics, exactly when the rest sheds load.
 * Returning nothing lets the request through (the plugin's documented contract).
 */
export const answeredUnderPressure: PressureHandler = () => undefined;

/**
 * The process-wide overload answer (@fastify/under-pressure): every `sampleMs` it samples the
 * event-loop delay, heap and RSS, and while one is past its limit every request (but those that
 * opt out above) is answered 503 `service.overloaded` problem+json with Retry-After before any
 * other work. The cap on parked long polls is not here: a parked poll costs almost nothing of
 * what the plugin measures until far too many are parked, and a device's own limit (its oldest
 * poll answered empty) is delivery's rule, so both stay in delivery.waiters.ts.
 */
export async function registerOverloadGuard(
  app: FastifyInstance,
  opts: { limits: Config["overload"]; metrics: Metrics; sampleMs?: number },
): Promise<void> {
  const shed = opts.metrics.counter(
    "http_overload_rejections_total",
    "Requests answered 503 because the process was overloaded, by the limit that was past",
    ["reason"],
  );
  const { limits } = opts;
  const sampleMs = opts.sampleMs ?? 1_000;
  // Near V8's heap limit every allocation waits for a full GC, and past it the process dies:
  // shedding at 90 % lets the requests already in flight finish.
  const heapMb = limits.maxHeapUsedMb ?? Math.floor((getHeapStatistics().heap_size_limit * 0.9) / MB);
  // The plugin samples the event loop from its registration on, so its first samples count the
  // start itself (routes compiled, the delivery index loaded: seconds on a busy machine) as
  // delay. That is not load: the delay check counts only once a whole sample came after ready.
  let readyAt = Number.POSITIVE_INFINITY;
  app.addHook("onReady", async () => {
    readyAt = Date.now();
  });
  const starting = () => Date.now() - readyAt < 2 * sampleMs;
  await app.register(underPressure, {
    // The plugin reads 0 as "this check is off".
    maxEventLoopDelay: limits.maxEventLoopDelayMs,
    maxHeapUsedBytes: heapMb * MB,
    maxRssBytes: limits.maxRssMb * MB,
    sampleInterval: sampleMs,
    // Returning nothing lets the request through; a rejected promise is handed to the error
    // handler, one problem+json path for every error.
    pressureHandler: async (_request, _reply, type) => {
      if (type === underPressure.TYPE_EVENT_LOOP_DELAY && starting()) return;
      shed.inc({ reason: type });
      throw CommonErrors.overloaded("This server is overloaded; retry after the Retry-After seconds", {
        headers: { "retry-after": String(limits.retryAfterSeconds) },
      });
    },
  });
}
