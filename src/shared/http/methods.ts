import type { RouteOptions } from "fastify";

/**
 * Which methods each path answers, so a request for a path that exists with another method gets
 * 405 and an Allow header instead of a 404 (RFC 9110 §15.5.6). Fastify's router only says "no
 * route for this method and path"; this index knows the paths.
 */
export function createMethodIndex() {
  const routes: { pattern: RegExp; method: string }[] = [];

  /** `/a/:id/b` → /^\/a\/[^/]+\/b$/ ; a trailing `*` matches the rest. */
  const patternOf = (url: string): RegExp => {
    const source = url
      .split("/")
      .map((part) => {
        if (part.startsWith(":")) return "[^/]+";
        if (part === "*") return ".*";
        return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      })
      .join("/");
    return new RegExp(`^${source}$`);
  };

  return {
    onRoute(route: RouteOptions): void {
      const pattern = patternOf(route.url);
      for (const method of [route.method].flat()) routes.push({ pattern, method });
    },
    /** The methods `path` (without its query) is served with; empty when the path is unknown. */
    allowed(path: string): string[] {
      const found = new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method));
      return [...found].sort();
    },
  };
}

export type MethodIndex = ReturnType<typeof createMethodIndex>;
