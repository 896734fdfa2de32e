import type { FastifyInstance, HTTPMethods } from "fastify";

/** "METHOD /path" with Fastify's `:param` syntax, e.g. "GET /api/v1/orders/:id". */
export type RouteKey = `${string} /${string}`;

const LINE = /^([│ ]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/;

/**
 * Every route the app serves, read from Fastify's own router (printRoutes) rather than from a
 * list kept by hand. HEAD routes Fastify adds beside each GET are left out. Each parsed
 * concrete route is checked against `hasRoute`, so a change in the printed format fails loudly, not silently.
 */
export function appRoutes(app: FastifyInstance): RouteKey[] {
  const stack: string[] = [];
  const routes = new Set<RouteKey>();
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    if (!line.trim()) continue;
    const match = LINE.exec(line);
    if (!match) throw new Error(`appRoutes: unexpected printRoutes line ${JSON.stringify(line)}`);
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const path = `${stack.join("")}${match[2]}`;
    stack.push(match[2]!);
    for (const method of (match[3] ?? "").split(", ").filter(Boolean)) {
      if (method === "HEAD") continue;
      // find-my-way prints a wildcard under its nearest printed parent (/docs/static/* shows as
      // /docs/*), so only concrete paths can be checked against the router.
      if (!path.endsWith("*") && !app.hasRoute({ method: method as HTTPMethods, url: path })) {
        throw new Error(`appRoutes: parsed ${method} ${path}, which the router does not have`);
      }
      routes.add(`${method} ${path}` as RouteKey);
    }
  }
  return [...routes].sort();
}

/** The routes the OpenAPI document lists, in the same "METHOD /path/:param" form. */
export async function openApiRoutes(app: FastifyInstance): Promise<RouteKey[]> {
  const res = await app.inject({ method: "GET", url: "/openapi.json" });
  const doc = res.json() as { paths: Record<string, Record<string, unknown>> };
  const routes: RouteKey[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops)) {
      routes.push(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}` as RouteKey);
    }
  }
  return routes.sort();
}

/** Fills a route's `:params` in order with the given values (encoded). */
export function fillPath(path: string, values: string[]): string {
  let i = 0;
  return path.replace(/:(\w+)/g, () => encodeURIComponent(values[i++] ?? "x"));
}

export function splitRoute(route: RouteKey): { method: string; path: string } {
  const space = route.indexOf(" ");
  return { method: route.slice(0, space), path: route.slice(space + 1) };
}
