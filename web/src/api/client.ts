import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";

export type { paths };

/** A problem+json answer (API §0), thrown so TanStack Query shows it as the query's error. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    /** Each field a validation failure (400 request.invalid) names, with why. */
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

interface Problem {
  title?: string;
  detail?: string;
  code?: string;
  errors?: { path: string; message: string }[];
}

/** The client's answer, or an ApiError carrying the problem's code and detail. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) {
    const problem = (error ?? {}) as Problem;
    throw new ApiError(
      response.status,
      problem.code,
      problem.detail ?? problem.title ?? response.statusText,
      problem.errors ?? [],
    );
  }
  return data as T;
}

/**
 * The console's client: the session cookie goes along by itself (same origin, HttpOnly), and
 * every write carries the CSRF token the session handed out (API §15).
 */
export function consoleApi(csrfToken: () => string | undefined) {
  const client = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
  const csrf: Middleware = {
    onRequest({ request }) {
      const token = csrfToken();
      if (token && request.method !== "GET") request.headers.set("x-csrf-token", token);
      return request;
    },
  };
  client.use(csrf);
  return client;
}

/** The Mini App's client: a bearer token from the Telegram sign-in (API §3). */
export function appApi(accessToken: () => string | undefined) {
  const client = createClient<paths>({ baseUrl: "" });
  const bearer: Middleware = {
    onRequest({ request }) {
      const token = accessToken();
      if (token) request.headers.set("authorization", `Bearer ${token}`);
      return request;
    },
  };
  client.use(bearer);
  return client;
}

export type ConsoleApi = ReturnType<typeof consoleApi>;
export type AppApi = ReturnType<typeof appApi>;
