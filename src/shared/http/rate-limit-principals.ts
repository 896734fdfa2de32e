import type { FastifyRequest } from "fastify";

/*
 * What the HTTP rate limits count and against whom, apart from rate-limits.ts: that file loads
 * @fastify/rate-limit, whose types redeclare the route option `rateLimit` (ops.routes.ts narrows
 * it to `false`), so the signature guard (signed-admission.ts) takes these from here.
 */

/** Who a request counts against: each kind of principal has its own budget per minute. */
export type PrincipalKind = "ip" | "user" | "device" | "producer";
export type Budgets = Record<PrincipalKind, number>;

/** Every principal's budget is per fixed window of a minute. */
export const WINDOW_MS = 60_000;

/** The principal of a request signed by `signerId` (principalKey once the signature holds). */
export function signerKey(request: FastifyRequest, signerId: string): string {
  const kind = typeof request.headers["x-producer-id"] === "string" ? "producer" : "device";
  return `${kind}:${signerId}`;
}

export const budgetOf = (budgets: Budgets, key: string): number =>
  budgets[key.slice(0, key.indexOf(":")) as PrincipalKind] ?? budgets.ip;

export type RouteConfig = FastifyRequest["routeOptions"]["config"] | undefined;
export const isExempt = (config: RouteConfig): boolean => config?.rateLimit === false;
