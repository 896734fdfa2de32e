import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { TEST_BOT_TOKEN, testConfig } from "../../../test/support/config";
import { testDatabase } from "../../../test/support/db";
import { createUser } from "../../../test/support/factories";
import { buildApp } from "../../app";
import { createDeps } from "../../deps";
import { ManualClock } from "../clock";
import { createLogger } from "../logger";

const isProblem = (res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown }) => {
  expect(res.headers["content-type"]).toContain("application/problem+json");
  const body = res.json() as Record<string, unknown>;
  expect(body.status).toBe(res.statusCode);
  expect(typeof body.code).toBe("string");
  expect(typeof body.requestId).toBe("string");
  expect(typeof body.title).toBe("string");
  return body;
};

describe("errors as problem+json", () => {
  // Telegram sign-in on, so no route answers 503 "not configured" to the fuzzer.
  const ctx = useTestApp({
    env: { RATE_LIMIT_IP_PER_MINUTE: "1000000", TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN },
  });

  it("answers an unknown route with 404 request.not_found", async () => {
    const res = await ctx().app.inject({ method: "GET", url: "/api/v1/nothing-here" });
    expect(res.statusCode).toBe(404);
    expect(isProblem(res).code).toBe("request.not_found");
  });

  it("answers malformed JSON with 400 request.invalid and errors[], without quoting the body", async () => {
    const res = await ctx().app.inject({
      method: "POST",
      url: "/api/v1/auth/telegram",
      headers: { "content-type": "application/json" },
      payload: '{"initData": "SECRET-VALUE',
    });
    expect(res.statusCode).toBe(400);
    const body = isProblem(res);
    expect(body.code).toBe("request.invalid");
    expect(body.errors).toEqual([{ path: "body", message: "is not valid JSON" }]);
    expect(res.body).not.toContain("SECRET-VALUE");
  });

  it("answers a body over 64 KiB with 413 request.too_large", async () => {
    const res = await ctx().app.inject({
      method: "POST",
      url: "/api/v1/auth/telegram",
      payload: { initData: "x".repeat(70 * 1024) },
    });
    expect(res.statusCode).toBe(413);
    expect(isProblem(res).code).toBe("request.too_large");
  });

  it("answers an unsupported content type with 415", async () => {
    const res = await ctx().app.inject({
      method: "POST",
      url: "/api/v1/auth/telegram",
      headers: { "content-type": "application/xml" },
      payload: "<a/>",
    });
    expect(res.statusCode).toBe(415);
    isProblem(res);
  });

  it("answers a path parameter longer than the router allows with 400 problem+json and a request id", async () => {
    const res = await ctx().app.inject({ method: "GET", url: `/api/v1/orders/${"a".repeat(300)}` });
    expect(res.statusCode).toBe(400);
    expect(isProblem(res).code).toBe("request.invalid");
    expect(res.headers["x-request-id"]).toBeTruthy();
    const badUrl = await ctx().app.inject({ method: "GET", url: "/api/v1/orders/%E0%A4%A" });
    expect(badUrl.statusCode).toBe(400);
    isProblem(badUrl);
  });

  it("answers text with a NUL character, which PostgreSQL cannot store, with 400 and changes nothing", async () => {
    const admin = await createUser(ctx().deps, { admin: true });
    const lookup = await ctx().app.inject({
      method: "GET",
      url: "/api/v1/devices/%00",
      headers: admin.headers,
    });
    expect([lookup.statusCode, isProblem(lookup).code]).toEqual([400, "request.invalid"]);
    const create = await ctx().app.inject({
      method: "POST",
      url: "/api/v1/admin/producers",
      headers: admin.headers,
      payload: { name: "bad\u0000name" },
    });
    expect([create.statusCode, isProblem(create).code]).toEqual([400, "request.invalid"]);
    expect(await ctx().database.query("select id from producers")).toEqual([]);
  });

  it("echoes a safe X-Request-Id and mints one for an unsafe value", async () => {
    const echoed = await ctx().app.inject({
      method: "GET",
      url: "/healthz",
      headers: { "x-request-id": "abc-123" },
    });
    expect(echoed.headers["x-request-id"]).toBe("abc-123");
    const minted = await ctx().app.inject({
      method: "GET",
      url: "/healthz",
      headers: { "x-request-id": "bad id\n" },
    });
    expect(minted.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("never answers 500 or a non-problem error to random requests", async () => {
    const methods = fc.constantFrom("GET", "POST", "PATCH", "PUT", "DELETE");
    const paths = fc.oneof(
      fc.constantFrom("/api/v1/me", "/api/v1/auth/telegram", "/healthz", "/api/v1/../me", "/api/v1/me?x=%ZZ"),
      fc.webPath().map((p) => `/api/v1${p}`),
    );
    const bodies = fc.oneof(
      fc.string(),
      fc.json(),
      fc.constant('{"initData": 5}'),
      fc.constant('{"initData": "auth_date=1&hash=zz"}'),
      fc.constant('{"autoApprove": null, "region": ["EU"]}'),
    );
    const contentTypes = fc.constantFrom(
      "application/json",
      "text/plain",
      "application/x-www-form-urlencoded",
      "",
    );
    const auth = fc.oneof(
      fc.constant(undefined),
      fc.string().map((s) => `Bearer ${s.replace(/[\r\n]/g, "")}`),
    );
    await fc.assert(
      fc.asyncProperty(
        methods,
        paths,
        bodies,
        contentTypes,
        auth,
        async (method, url, payload, type, authorization) => {
          const headers: Record<string, string> = {};
          if (type) headers["content-type"] = type;
          if (authorization) headers.authorization = authorization;
          const res = await ctx().app.inject({
            method: method as "GET",
            url,
            headers,
            ...(method === "GET" || method === "DELETE" ? {} : { payload }),
          });
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode >= 400) isProblem(res);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("rate limits", () => {
  const ctx = useTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: "3", RATE_LIMIT_USER_PER_MINUTE: "2" } });

  it("answers 429 with Retry-After once an address spends its burst", async () => {
    const responses = [];
    for (let i = 0; i < 4; i++) {
      responses.push(await ctx().app.inject({ method: "GET", url: "/api/v1/me", remoteAddress: "10.0.0.9" }));
    }
    const statuses = responses.map((r) => r.statusCode);
    const last = responses[3]!;
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(Number(last.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(isProblem(last).code).toBe("request.rate_limited");
  });

  it("keeps health checks outside the limit", async () => {
    for (let i = 0; i < 6; i++) {
      const res = await ctx().app.inject({ method: "GET", url: "/healthz", remoteAddress: "10.0.0.10" });
      expect(res.statusCode).toBe(200);
    }
  });
});

describe("unexpected failures", () => {
  let app: Awaited<ReturnType<typeof buildApp>>;
  const logs: string[] = [];

  beforeAll(async () => {
    const config = testConfig();
    const deps = await createDeps({
      config,
      database: await testDatabase(),
      clock: new ManualClock(),
      logger: createLogger("info", { write: (line: string) => logs.push(line) }),
    });
    app = await buildApp(deps);
    app.get("/boom", async () => {
      throw new Error("database password is hunter2");
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it("become a bare 500 with the request id; the cause goes to the log only", async () => {
    const res = await app.inject({ method: "GET", url: "/boom", headers: { "x-request-id": "req-500" } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      type: "https://signaldesk.dev/problems/internal",
      title: "Internal Server Error",
      status: 500,
      code: "internal",
      requestId: "req-500",
    });
    expect(res.body).not.toContain("hunter2");
    expect(logs.some((l) => l.includes("hunter2") && l.includes("req-500"))).toBe(true);
  });
});
