import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { isConnectionLoss } from "../../db/errors";
import { AppError, CommonErrors, type FieldError } from "../errors";
import type { MethodIndex } from "./methods";

export const PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  requestId: string;
  errors?: FieldError[];
}

function validationErrors(
  error: FastifyError & { validation: { instancePath: string; message?: string }[] },
) {
  const context = (error as { validationContext?: string }).validationContext ?? "body";
  return error.validation.map((v) => ({
    path: v.instancePath.replace(/^\//, "").replaceAll("/", ".") || context,
    message: v.message ?? "is invalid",
  }));
}

/** PostgreSQL's "character not in repertoire": text with a NUL, which no text column can hold. */
const PG_UNSTORABLE_TEXT = "22021";

function isUnstorableText(error: unknown): boolean {
  // Drizzle wraps driver errors; the driver's SQLSTATE is on the cause.
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 3; i++) {
    if (e.code === PG_UNSTORABLE_TEXT) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** Maps anything thrown during a request to an AppError; null means "unexpected" (a 500). */
export function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (isUnstorableText(error)) {
    return CommonErrors.invalid("Text in the request contains a character that cannot be stored (NUL)", {
      errors: [{ path: "request", message: "contains a NUL character" }],
    });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    return CommonErrors.invalid("The request did not pass validation", { errors: validationErrors(error) });
  }
  const e = error as Partial<FastifyError>;
  switch (e.code) {
    case "FST_ERR_MAX_PARAM_LENGTH":
      return CommonErrors.invalid("A path parameter is longer than any identifier", {
        errors: [{ path: "params", message: "is too long" }],
      });
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return CommonErrors.tooLarge("The request body is larger than this endpoint accepts");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return CommonErrors.unsupportedMediaType("Send application/json");
    case "FST_ERR_RATE_LIMITED":
      return CommonErrors.rateLimited();
  }
  if (
    error instanceof SyntaxError ||
    e.code === "FST_ERR_CTP_EMPTY_JSON_BODY" ||
    e.code === "FST_ERR_CTP_INVALID_JSON_BODY"
  ) {
    // The parser's own message may quote the body back; say only what is wrong.
    return CommonErrors.invalid("The body is not valid JSON", {
      errors: [{ path: "body", message: "is not valid JSON" }],
    });
  }
  const status = e.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    if (status === 400) {
      return CommonErrors.invalid("The request is malformed", {
        errors: [{ path: "request", message: "is malformed" }],
      });
    }
    if (status === 413) return CommonErrors.tooLarge();
    if (status === 415) return CommonErrors.unsupportedMediaType();
    if (status === 404) return CommonErrors.notFound();
    return CommonErrors.invalid("The request cannot be processed", { status });
  }
  return null;
}

export function problemOf(err: AppError, requestId: string): Problem {
  return {
    type: `https://signaldesk.dev/problems/${err.code}`,
    title: err.title,
    status: err.status,
    ...(err.detail ? { detail: err.detail } : {}),
    code: err.code,
    requestId,
    ...(err.errors ? { errors: err.errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, err: AppError): FastifyReply {
  if (err.headers) reply.headers(err.headers);
  return reply
    .code(err.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problemOf(err, String(reply.request.id)));
}

/** The single error handler: known errors become problem+json; the rest a bare 500, cause logged. */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const known = toAppError(error);
  if (known) {
    // 503 says "retry shortly" (overloaded, or a dependency away): the operator learns of it from
    // /readyz and warnings; an error line is for what someone must fix.
    if (known.status === 503) request.log.warn({ err: error }, "request refused: service unavailable");
    else if (known.status >= 500) request.log.error({ err: error }, "request failed");
    return sendProblem(reply, known);
  }
  if (isConnectionLoss(error)) {
    // The database is out of reach (restarting, partitioned): the client should retry, and the
    // operator learns of it from /readyz and this warning, not from an "unexpected" error.
    request.log.warn({ err: error }, "database unreachable");
    return sendProblem(
      reply,
      CommonErrors.unavailable("The database cannot be reached; retry shortly", {
        headers: { "retry-after": "1" },
      }),
    );
  }
  request.log.error({ err: error }, "unexpected error");
  return reply
    .code(500)
    .type(PROBLEM_CONTENT_TYPE)
    .send({
      type: "https://signaldesk.dev/problems/internal",
      title: "Internal Server Error",
      status: 500,
      code: "internal",
      requestId: String(request.id),
    } satisfies Problem);
}

/**
 * Fastify's `frameworkErrors`: a URL the router cannot decode or a parameter over its length
 * limit is answered before any hook runs, so the request id is set here too.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header("x-request-id", request.id);
  return errorHandler(error, request, reply);
}

/** Unknown routes: 405 with Allow when the path exists with other methods, else 404. */
export function notFoundHandler(methods: MethodIndex) {
  return function routeNotFound(request: FastifyRequest, reply: FastifyReply) {
    const allowed = methods.allowed(request.url.split("?")[0] ?? "/");
    if (allowed.length > 0) {
      return sendProblem(
        reply,
        CommonErrors.methodNotAllowed(`${request.method} is not served here; use ${allowed.join(", ")}`, {
          headers: { allow: allowed.join(", ") },
        }),
      );
    }
    return sendProblem(reply, CommonErrors.notFound("No such route"));
  };
}
