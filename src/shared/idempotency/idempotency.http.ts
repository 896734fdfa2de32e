import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { PROBLEM_CONTENT_TYPE } from "../http/problem";
import type { IdempotencyService } from "./idempotency.service";

/** Route `headers` schema for the optional Idempotency-Key (1..255 chars); other headers pass. */
export const IdempotencyHeaders = z.looseObject({
  "idempotency-key": z.string().min(1).max(255).optional(),
});

/**
 * Runs a route handler under the request's Idempotency-Key and sends its response; a repeat
 * gets the first response's status and exact body, marked `Idempotent-Replayed: true`.
 */
export async function replyIdempotently(
  idempotency: IdempotencyService,
  request: FastifyRequest,
  reply: FastifyReply,
  opts: { userId: string; scope: string; request: unknown },
  handler: () => Promise<{ status: number; body: unknown }>,
): Promise<FastifyReply> {
  const header = request.headers["idempotency-key"];
  const result = await idempotency.run(
    {
      userId: opts.userId,
      scope: opts.scope,
      key: typeof header === "string" ? header : undefined,
      request: opts.request,
      requestId: String(request.id),
    },
    handler,
  );
  if (!result.replayed) return reply.code(result.status).send(result.body);
  return reply
    .code(result.status)
    .header("idempotent-replayed", "true")
    .type(result.status >= 400 ? PROBLEM_CONTENT_TYPE : "application/json; charset=utf-8")
    .send(result.bodyText);
}
