import type { RouteOptions } from "fastify";

/**
 * What /openapi.json says beyond each route's zod schemas: who may call an operation (security
 * schemes), and every error it can answer, as problem+json. Derived from the route itself (its
 * guards, input schemas, method, rate-limit exemption) plus the statuses a route declares in
 * `config.problems`, so a new route is documented honestly without a second list to keep.
 */

declare module "fastify" {
  interface FastifyContextConfig {
    /** Error statuses this route answers beyond the ones derived from its shape (409, 422, 410…). */
    problems?: readonly ProblemStatus[];
    /** The signer a signed scope accepts (set by keepSignedBodies). */
    signer?: "device" | "producer";
  }
}

export type ProblemStatus = 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 502 | 503;

/** An OpenAPI security requirement: every scheme named in one object is needed together. */
export type SecurityRequirement = Record<string, string[]>;

const SIGNATURE_HEADERS = { signatureTimestamp: [], signatureNonce: [], signature: [] };

/** The ways to authenticate, by what a route's guard accepts. */
export const SECURITY = {
  /** A bearer access token, or the console's session cookie (writes also need X-CSRF-Token). */
  user: [{ bearer: [] }, { consoleSession: [] }] as SecurityRequirement[],
  /** Anyone; a token, when sent, must be valid. */
  optionalUser: [{}, { bearer: [] }, { consoleSession: [] }] as SecurityRequirement[],
  device: [{ deviceId: [], ...SIGNATURE_HEADERS }] as SecurityRequirement[],
  producer: [{ producerId: [], ...SIGNATURE_HEADERS }] as SecurityRequirement[],
};

export const SECURITY_SCHEMES = {
  bearer: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "The accessToken from POST /api/v1/auth/telegram (API §3).",
  },
  consoleSession: {
    type: "apiKey",
    in: "cookie",
    name: "sd_console",
    description:
      "The operator console's session (API §15). Writes also send the session's CSRF token in X-CSRF-Token.",
  },
  deviceId: { type: "apiKey", in: "header", name: "X-Device-Id", description: "The signing device's id." },
  producerId: {
    type: "apiKey",
    in: "header",
    name: "X-Producer-Id",
    description: "The signing producer's id.",
  },
  signatureTimestamp: {
    type: "apiKey",
    in: "header",
    name: "X-Timestamp",
    description: "Unix seconds; within 300 s of the server's clock (API §0).",
  },
  signatureNonce: {
    type: "apiKey",
    in: "header",
    name: "X-Nonce",
    description: "16–64 characters, never reused within the timestamp window.",
  },
  signature: {
    type: "apiKey",
    in: "header",
    name: "X-Signature",
    description:
      "hex HMAC-SHA256 with the device or producer secret over METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nhex(SHA256(body)) (API §0).",
  },
} as const;

export const PROBLEM_SCHEMA = {
  type: "object",
  required: ["type", "title", "status", "code", "requestId"],
  properties: {
    type: { type: "string", description: "https://signaldesk.dev/problems/<code>" },
    title: { type: "string" },
    status: { type: "integer", minimum: 400, maximum: 599 },
    detail: { type: "string" },
    code: { type: "string", description: "Stable `<module>.<snake_case>` code clients switch on." },
    requestId: { type: "string" },
    errors: {
      type: "array",
      items: {
        type: "object",
        required: ["path", "message"],
        properties: { path: { type: "string" }, message: { type: "string" } },
      },
    },
  },
} as const;

const PROBLEM_WORDS: Record<ProblemStatus, string> = {
  400: "The request did not pass validation (`request.invalid`, field errors in `errors`).",
  401: "Missing or invalid credentials.",
  403: "Authenticated, but not allowed (role, disabled account, CSRF token).",
  404: "No such resource, or not yours.",
  405: "The path exists with other methods (see the Allow header).",
  409: "Conflicts with the resource's current state.",
  410: "No longer available.",
  413: "The request body is larger than this operation accepts.",
  415: "Send application/json.",
  422: "Understood, but the business rules refuse it.",
  429: "Rate limited; retry after the Retry-After header's seconds.",
  500: "Unexpected server error (logged with the request id).",
  502: "An upstream service (Stripe, Telegram) failed.",
  503: "Shutting down or overloaded; retry after the Retry-After header's seconds.",
};

/** Guards announce how they authenticate, so the document follows the code. */
const securityOfHook = new WeakMap<object, SecurityRequirement[]>();

/** Marks a guard (an onRequest hook) with the security requirements it enforces. */
export function withSecurity<T extends object>(guard: T, requirements: SecurityRequirement[]): T {
  securityOfHook.set(guard, requirements);
  return guard;
}

interface RouteShape {
  method: string;
  onRequest?: unknown;
  config?: { rateLimit?: unknown; problems?: readonly ProblemStatus[]; signer?: "device" | "producer" };
  schema?: { body?: unknown; querystring?: unknown; params?: unknown; headers?: unknown };
}

/** The security requirements of a route: its guard's, or its signed scope's, or none (public). */
export function securityOf(route: RouteShape): SecurityRequirement[] {
  const hooks = [route.onRequest].flat().filter((h): h is object => typeof h === "function");
  for (const hook of hooks) {
    const found = securityOfHook.get(hook);
    if (found) return found;
  }
  if (route.config?.signer) return SECURITY[route.config.signer];
  return [];
}

/** Every error status a route can answer, from its shape and its own declaration. */
export function problemStatusesOf(route: RouteShape): ProblemStatus[] {
  const statuses = new Set<ProblemStatus>([500, 503]);
  const schema = route.schema ?? {};
  const security = securityOf(route);
  if (schema.body || schema.querystring || schema.params || schema.headers) statuses.add(400);
  // Any request that may carry a body is parsed before the route runs: malformed JSON, a body
  // over the limit or another content type is refused whether or not the route takes one.
  if (["POST", "PUT", "PATCH", "DELETE"].includes(route.method)) statuses.add(400).add(413).add(415);
  if (security.length > 0) {
    statuses.add(401);
    // Bearer and cookie callers can be refused for their role or a disabled account.
    if (security.some((r) => "bearer" in r)) statuses.add(403);
  }
  if (schema.params) statuses.add(404);
  if (route.config?.rateLimit !== false) statuses.add(429);
  for (const s of route.config?.problems ?? []) statuses.add(s);
  return [...statuses].sort((a, b) => a - b);
}

/**
 * OpenAPI 3.0 reads `nullable: true` beside an `enum` as allowing null only when null is one of
 * the values; the schema converter leaves it out, so a validator or generator would refuse null.
 */
function listNullInNullableEnums(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) listNullInNullableEnums(item);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const schema = node as { nullable?: unknown; enum?: unknown[] };
  if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null)) {
    schema.enum = [...schema.enum, null];
  }
  for (const value of Object.values(node)) listNullInNullableEnums(value);
}

/** The OpenAPI path of a route URL: `/a/:id` → `/a/{id}`. */
export const openapiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

type Operation = {
  responses?: Record<string, unknown>;
  security?: SecurityRequirement[];
  [key: string]: unknown;
};
type Document = {
  paths?: Record<string, Record<string, Operation>>;
  components?: Record<string, unknown>;
  [key: string]: unknown;
};

/**
 * Collects each documented route's shape (an onRoute hook) and completes the generated document
 * with security and problem responses (swagger's transformObject).
 */
export function createOpenApiCompleter() {
  const routes = new Map<string, RouteShape>();
  const key = (method: string, path: string) => `${method.toLowerCase()} ${path}`;

  return {
    onRoute(route: RouteOptions): void {
      for (const method of [route.method].flat()) {
        if (method === "HEAD") continue;
        // The route object itself: hooks of inner scopes (the signer) complete it after this runs.
        routes.set(key(method, openapiPath(route.url)), route as unknown as RouteShape);
      }
    },

    complete(doc: Document): Document {
      const components = (doc.components ?? {}) as Record<string, Record<string, unknown>>;
      doc.components = {
        ...components,
        securitySchemes: { ...(components.securitySchemes ?? {}), ...SECURITY_SCHEMES },
        schemas: { ...(components.schemas ?? {}), Problem: PROBLEM_SCHEMA },
      };
      for (const [path, operations] of Object.entries(doc.paths ?? {})) {
        for (const [method, operation] of Object.entries(operations)) {
          const route = routes.get(key(method, path));
          if (!route) continue;
          const security = securityOf(route);
          operation.security = security;
          const responses = { ...(operation.responses ?? {}) };
          // 204 carries no body (the schema converter still describes a JSON null).
          const noContent = responses["204"] as { content?: unknown } | undefined;
          if (noContent) responses["204"] = { description: "Done; no body." };
          for (const status of problemStatusesOf(route)) {
            responses[String(status)] ??= {
              description: PROBLEM_WORDS[status],
              content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
            };
          }
          operation.responses = responses;
        }
      }
      listNullInNullableEnums(doc);
      return doc;
    },
  };
}
