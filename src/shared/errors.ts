/**
 * The one error type the service throws on purpose. `code` is the stable
 * `<module>.<snake_case>` identifier clients switch on; the HTTP layer turns it
 * into application/problem+json (see shared/problem.ts).
 */
export interface FieldError {
  path: string;
  message: string;
}

export interface AppErrorInit {
  code: string;
  status: number;
  title: string;
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(init: AppErrorInit) {
    super(init.detail ?? init.title);
    this.name = "AppError";
    this.code = init.code;
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.headers = init.headers;
  }
}

/** Builds an AppError: the optional detail, and anything else to set (headers, a title for the situation). */
export type ErrorBuilder = (detail?: string, extra?: Partial<AppErrorInit>) => AppError;

/**
 * Another module's error raised with a title that fits this situation: the code (and status)
 * stay those its owner declared once.
 */
export function retitled(error: ErrorBuilder, title: string): ErrorBuilder {
  return (detail, extra) => error(detail, { title, ...extra });
}

/** Declares a module's error codes once; each entry builds an AppError with an optional detail. */
export function defineErrors<const T extends Record<string, { code: string; status: number; title: string }>>(
  defs: T,
): { [K in keyof T]: (detail?: string, extra?: Partial<AppErrorInit>) => AppError } {
  const out = {} as { [K in keyof T]: (detail?: string, extra?: Partial<AppErrorInit>) => AppError };
  for (const key of Object.keys(defs) as (keyof T)[]) {
    const def = defs[key]!;
    out[key] = (detail, extra) => new AppError({ ...def, detail, ...extra });
  }
  return out;
}

/** Errors every module may raise. */
export const CommonErrors = defineErrors({
  invalid: { code: "request.invalid", status: 400, title: "Invalid request" },
  tooLarge: { code: "request.too_large", status: 413, title: "Request body too large" },
  unsupportedMediaType: {
    code: "request.unsupported_media_type",
    status: 415,
    title: "Unsupported media type",
  },
  notFound: { code: "request.not_found", status: 404, title: "Not found" },
  methodNotAllowed: { code: "request.method_not_allowed", status: 405, title: "Method not allowed" },
  rateLimited: { code: "request.rate_limited", status: 429, title: "Too many requests" },
  idempotencyKeyReused: {
    code: "request.idempotency_key_reused",
    status: 409,
    title: "Idempotency key reused with a different request",
  },
  unauthenticated: { code: "auth.unauthenticated", status: 401, title: "Authentication required" },
  forbidden: { code: "auth.forbidden", status: 403, title: "Not allowed" },
  unavailable: { code: "service.unavailable", status: 503, title: "Service unavailable" },
  /** Too busy right now (process overloaded, or every parking place for long polls taken). */
  overloaded: { code: "service.overloaded", status: 503, title: "Service overloaded" },
});
