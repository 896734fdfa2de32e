import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";

describe("health, metrics and API docs", () => {
  const ctx = useTestApp();

  it("answers /healthz and /readyz while the database answers", async () => {
    expect((await ctx().app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
    const ready = await ctx().app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
  });

  it("counts requests per route pattern and status in /metrics", async () => {
    await ctx().app.inject({ method: "GET", url: "/api/v1/me" });
    const res = await ctx().app.inject({ method: "GET", url: "/metrics" });
    expect(res.headers["content-type"]).toContain("text/plain");
    expect(res.body).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/me",status="401"\} 1/);
    expect(res.body).toContain("http_request_duration_seconds_bucket");
  });

  it("serves /metrics to this machine only when METRICS_TOKEN is unset", async () => {
    const local = await ctx().app.inject({ method: "GET", url: "/metrics" });
    expect(local.statusCode).toBe(200);
    const remote = await ctx().app.inject({ method: "GET", url: "/metrics", remoteAddress: "203.0.113.9" });
    expect(remote.statusCode).toBe(403);
    expect(remote.json()).toMatchObject({ code: "ops.metrics_local_only" });
    expect(remote.body).not.toContain("http_requests_total");
  });

  it("publishes an OpenAPI 3 document of the API routes and a docs page", async () => {
    const doc = (await ctx().app.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/me", "/api/v1/auth/telegram"]));
    expect(doc.paths["/api/v1/me"].patch.requestBody).toBeDefined();
    const docs = await ctx().app.inject({ method: "GET", url: "/docs/" });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers["content-type"]).toContain("text/html");
    expect(docs.headers["content-security-policy"]).toMatch(/default-src 'self'/);
  });
});

describe("readiness without migrations", () => {
  const ctx = useTestApp();
  it("answers 503 until migrations are applied", async () => {
    const deps = { ...ctx().deps, migrated: () => false };
    const { opsRoutes } = await import("./ops.routes");
    const Fastify = (await import("fastify")).default;
    const app = Fastify();
    await app.register(opsRoutes(deps));
    const res = await app.inject({ method: "GET", url: "/readyz" });
    expect(res.statusCode).toBe(503);
    await app.close();
  });
});

describe("metrics behind METRICS_TOKEN", () => {
  const token = "m".repeat(24);
  const ctx = useTestApp({ env: { METRICS_TOKEN: token } });

  it("answers whoever sends the token, from anywhere, and 401 to anyone else", async () => {
    const get = (headers: Record<string, string>, remoteAddress = "203.0.113.9") =>
      ctx().app.inject({ method: "GET", url: "/metrics", headers, remoteAddress });
    expect((await get({ authorization: `Bearer ${token}` })).statusCode).toBe(200);
    expect((await get({ authorization: `Bearer ${token}x` })).statusCode).toBe(401);
    expect((await get({})).statusCode).toBe(401);
    // The token is needed from this machine too once it is set.
    expect((await get({}, "127.0.0.1")).statusCode).toBe(401);
  });
});
