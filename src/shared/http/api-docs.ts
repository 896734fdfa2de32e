import { createRequire } from "node:module";
import type { FastifyDynamicSwaggerOptions } from "@fastify/swagger";
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";

/*
 * /openapi.json and the docs page (/docs) without loading @fastify/swagger, yaml,
 * @fastify/swagger-ui and @fastify/static before they are first asked for: together ~150-190 CPU ms
 * of every start (registered eagerly on a 100-route app, 4 runs each: 454-583 against 279-431 CPU
 * ms; docs/perf/cold-start.md, third round), on the path to /readyz. The document is
 * @fastify/swagger's own, built from the same route objects it would have collected.
 */

const load = createRequire(import.meta.url);

type Hook = (...args: unknown[]) => unknown;
type SwaggerDocument = FastifyInstance["swagger"];
type SwaggerPlugin = (host: object, options: object, done: (err?: Error) => void) => void;

/**
 * @fastify/swagger (dynamic mode) run over what an app registered: it is handed a host that keeps
 * the hooks it asks for, and they are replayed with the routes and scopes the app collected, in
 * the order the app registered them. A hook or host method it needs and the host lacks throws.
 */
function swaggerOf(
  app: FastifyInstance,
  options: FastifyDynamicSwaggerOptions,
  routes: RouteOptions[],
  scopes: FastifyInstance[],
): SwaggerDocument {
  const { fastifySwagger } = load("@fastify/swagger") as { fastifySwagger: SwaggerPlugin };
  const hooks: Record<string, Hook[]> = { onRoute: [], onRegister: [], onReady: [] };
  let document: SwaggerDocument | undefined;
  const host = {
    addHook(name: string, hook: Hook) {
      const list = hooks[name];
      if (!list) throw new Error(`the API document cannot replay @fastify/swagger's ${name} hook`);
      list.push(hook);
    },
    decorate(_name: string, value: SwaggerDocument) {
      document = value;
    },
    getSchemas: () => app.getSchemas(),
  };
  fastifySwagger(host, { ...options }, (err) => {
    if (err) throw err;
  });
  for (const route of routes) for (const hook of hooks.onRoute!) hook(route);
  for (const scope of scopes) for (const hook of hooks.onRegister!) hook(scope);
  for (const hook of hooks.onReady!) hook(() => {});
  if (!document) throw new Error("@fastify/swagger decorated nothing");
  return document;
}

/**
 * Decorates `app.swagger()` (what @fastify/swagger's plugin gives) with the document of the routes
 * registered from here on. Call it where the plugin was registered: it sees the same routes.
 */
export function registerApiDocument(app: FastifyInstance, options: FastifyDynamicSwaggerOptions): void {
  const routes: RouteOptions[] = [];
  const scopes: FastifyInstance[] = [];
  let ready = false;
  app.addHook("onRoute", (route) => {
    routes.push(route);
  });
  app.addHook("onRegister", (scope) => {
    scopes.push(scope);
  });
  app.addHook("onReady", (done) => {
    ready = true;
    done();
  });
  let document: SwaggerDocument | undefined;
  const swagger = ((opts?: { yaml?: boolean }) => {
    if (!ready) throw new Error(".swagger() must be called after .ready()");
    document ??= swaggerOf(app, options, routes, scopes);
    return document(opts as never);
  }) as SwaggerDocument;
  app.decorate("swagger", swagger);
}

/** Headers of the docs app's answer that belong to its own connection, not to this one. */
const CONNECTION_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "date"]);

/**
 * The docs page (swagger-ui under /docs): the routes @fastify/swagger-ui registers, answered by a
 * Fastify app of its own built at the first request, with the document as it is then (static
 * mode: swagger-ui's /docs/json and /docs/yaml, the same content as /openapi.json). Register it
 * with the prefix /docs. These routes are this app's, so its hooks (security headers, rate
 * limits, request ids, metrics) apply as they did to swagger-ui's; a file the page does not have
 * is this app's not-found answer, as with @fastify/static.
 */
export function docsPage(opts: { document: () => unknown; uiConfig: Record<string, unknown> }) {
  let pageApp: Promise<FastifyInstance> | undefined;
  const build = async () => {
    const [{ default: Fastify }, { default: swagger }, { default: swaggerUi }] = await Promise.all([
      import("fastify"),
      import("@fastify/swagger"),
      import("@fastify/swagger-ui"),
    ]);
    const page = Fastify({ logger: false });
    await page.register(swagger, { mode: "static", specification: { document: opts.document() as never } });
    await page.register(swaggerUi, { routePrefix: "/docs", uiConfig: opts.uiConfig });
    await page.ready();
    return page;
  };
  /**
   * Asks the docs app. A GET route's HEAD (Fastify's) asks for the GET and drops the body itself,
   * with the GET's length; the asset route answers HEAD on its own, as @fastify/static does.
   */
  const forward = (head: "as GET" | "as HEAD") => async (request: FastifyRequest, reply: FastifyReply) => {
    pageApp ??= build().catch((err) => {
      pageApp = undefined;
      throw err;
    });
    const answer = await (await pageApp).inject({
      method: head === "as HEAD" && request.method === "HEAD" ? "HEAD" : "GET",
      url: request.url,
      headers: request.headers,
    });
    if (answer.statusCode === 404) return reply.callNotFound();
    if (answer.statusCode >= 500) throw new Error(`the docs page answered ${answer.statusCode}`);
    for (const [name, value] of Object.entries(answer.headers)) {
      if (!CONNECTION_HEADERS.has(name) && value !== undefined) reply.header(name, value);
    }
    reply.code(answer.statusCode);
    // No body (a redirect, 304) is sent as none: an empty buffer would get a content type.
    return answer.rawPayload.length > 0 ? reply.send(answer.rawPayload) : reply.send();
  };
  const hidden = { schema: { hide: true } };
  return async (docs: FastifyInstance) => {
    const page = forward("as GET");
    docs.get("/", hidden, page);
    docs.get("/static/index.html", hidden, page);
    docs.get("/static/swagger-initializer.js", hidden, page);
    docs.get("/json", hidden, page);
    docs.get("/yaml", hidden, page);
    docs.route({ ...hidden, method: ["HEAD", "GET"], url: "/static/*", handler: forward("as HEAD") });
  };
}
