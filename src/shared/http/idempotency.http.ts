import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Executor } from "../../db/client";
import type {
  IdempotencyService,
  IdempotentCall,
  IdempotentResponse,
} from "../idempotency/idempotency.service";
import { PROBLEM_CONTENT_TYPE, problemOf } from "./problem";

/** Route `headers` schema for the optional Idempotency-Key (1..255 chars); other headers pass. */
export const IdempotencyHeaders = z.looseObject({
  "idempotency-key": z.string().min(1).max(255).optional(),
});

/** The call an Idempotency-Key header (if any) makes of this request. */
function callOf(
  request: FastifyRequest,
  opts: { userId: string; scope: string; request: unknown },
): IdempotentCall {
  const header = request.headers["idempotency-key"];
  const requestId = String(request.id);
  return {
    userId: opts.userId,
    scope: opts.scope,
    key: typeof header === "string" ? header : undefined,
    request: opts.request,
    // The same problem document the error handler sends the first time, so a replay matches it.
    refusalBody: (error) => problemOf(error, requestId),
  };
}

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
  const result = await idempotency.run(callOf(request, opts), handler);
  return send(reply, result);
}

/**
 * `replyIdempotently` for a handler that only writes to the database: its writes and the stored
 * response commit together (IdempotencyService.runAtomic), so a crash never leaves one without
 * the other.
 */
export async function replyIdempotentWrite<P>(
  idempotency: IdempotencyService,
  request: FastifyRequest,
  reply: FastifyReply,
  opts: { userId: string; scope: string; request: unknown },
  prepare: () => Promise<P>,
  write: (tx: Executor, prepared: P) => Promise<{ status: number; body: unknown }>,
): Promise<FastifyReply> {
  const result = await idempotency.runAtomic(callOf(request, opts), prepare, write);
  return send(reply, result);
}

function send(reply: FastifyReply, result: IdempotentResponse): FastifyReply {
  if (!result.replayed) return reply.code(result.status).send(result.body);
  return reply
    .code(result.status)
    .header("idempotent-replayed", "true")
    .type(result.status >= 400 ? PROBLEM_CONTENT_TYPE : "application/json; charset=utf-8")
    .send(result.bodyText);
}
