import swagger, { type FastifyDynamicSwaggerOptions } from "@fastify/swagger";
import Fastify, { type FastifyInstance } from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { useTestApp } from "../../../test/support/app";
import { registerApiDocument } from "./api-docs";

const OPTIONS: FastifyDynamicSwaggerOptions = {
  openapi: { openapi: "3.0.3", info: { title: "orders", version: "1" } },
  transform: jsonSchemaTransform,
  transformObject: (input) => {
    const doc = jsonSchemaTransformObject(input) as { info: { description?: string } };
    doc.info.description = "completed";
    return doc as never;
  },
};

/** Routes of the shapes the app has: zod bodies, params and queries, prefixes, hidden pages, shared schemas. */
async function routes(app: FastifyInstance) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    "/orders/:id",
    {
      schema: {
        summary: "One order",
        tags: ["orders"],
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ expand: z.enum(["lines"]).optional() }),
        response: { 200: z.object({ id: z.string(), total: z.number().nullable() }) },
      },
    },
    async () => ({ id: "x", total: null }),
  );
  await app.register(
    async (scope) => {
      scope.addSchema({ $id: "money", type: "object", properties: { pence: { type: "integer" } } });
      // A scope with schemas of its own compiles with Fastify's compilers unless told otherwise.
      scope.setValidatorCompiler(validatorCompiler);
      scope.setSerializerCompiler(serializerCompiler);
      scope.withTypeProvider<ZodTypeProvider>().post(
        "/orders",
        {
          schema: {
            body: z.object({ plan: z.string().min(1) }),
            response: { 201: z.object({ id: z.string() }) },
          },
        },
        async () => ({ id: "x" }),
      );
      scope.delete("/orders/:id", { schema: { params: z.object({ id: z.string() }) } }, async () => null);
    },
    { prefix: "/api" },
  );
  app.get("/page", { schema: { hide: true } }, async () => "page");
}

describe("the API document built on first use", () => {
  it("is @fastify/swagger's document of the same routes, as an object and as YAML", async () => {
    const app = Fastify({ logger: false });
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    // The plugin, registered as the app did before, beside the document built on first use.
    await app.register(swagger, { ...OPTIONS, decorator: "eagerSwagger" } as FastifyDynamicSwaggerOptions);
    registerApiDocument(app, OPTIONS);
    await routes(app);
    await app.ready();

    const eager = (app as unknown as { eagerSwagger: FastifyInstance["swagger"] }).eagerSwagger;
    expect(Object.keys((app.swagger() as { paths: object }).paths)).toEqual([
      "/orders/{id}",
      "/api/orders",
      "/api/orders/{id}",
    ]);
    expect(app.swagger()).toEqual(eager());
    expect(app.swagger({ yaml: true })).toBe(eager({ yaml: true }));
    await app.close();
  });

  it("is refused before the app is ready, as @fastify/swagger refuses it", async () => {
    const app = Fastify({ logger: false });
    registerApiDocument(app, OPTIONS);
    expect(() => app.swagger()).toThrow(".swagger() must be called after .ready()");
    await app.close();
  });
});

describe("the docs page", () => {
  const ctx = useTestApp();

  it("serves swagger-ui's document and page, with the lengths of their GETs on HEAD", async () => {
    const { app } = ctx();
    const json = await app.inject({ method: "GET", url: "/docs/json" });
    expect(json.json()).toEqual((await app.inject({ method: "GET", url: "/openapi.json" })).json());
    for (const url of ["/docs/", "/docs/yaml", "/docs/static/swagger-ui.css"]) {
      const get = await app.inject({ method: "GET", url });
      const head = await app.inject({ method: "HEAD", url });
      expect([get.statusCode, head.statusCode, head.body], url).toEqual([200, 200, ""]);
      expect(head.headers["content-length"], url).toBe(String(get.rawPayload.length));
    }
    expect((await app.inject({ method: "GET", url: "/docs/yaml" })).body).toBe(app.swagger({ yaml: true }));
  });

  it("redirects and answers conditional requests as swagger-ui does, with this app's not-found", async () => {
    const { app } = ctx();
    const index = await app.inject({ method: "GET", url: "/docs/static/index.html" });
    expect([index.statusCode, index.headers.location, index.headers["content-type"]]).toEqual([
      302,
      "/docs/",
      undefined,
    ]);
    const css = await app.inject({ method: "GET", url: "/docs/static/swagger-ui.css" });
    const again = await app.inject({
      method: "GET",
      url: "/docs/static/swagger-ui.css",
      headers: { "if-none-match": String(css.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    const missing = await app.inject({ method: "GET", url: "/docs/static/missing.js" });
    expect(missing.headers["content-type"]).toContain("application/problem+json");
    expect(missing.headers["x-request-id"]).toBeDefined();
  });
});
