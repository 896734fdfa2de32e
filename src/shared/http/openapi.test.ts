import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { contractViolation } from "../../../test/support/contract";
import { createUser } from "../../../test/support/factories";

type Operation = {
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
};
type Doc = { paths: Record<string, Record<string, Operation>>; components: Record<string, unknown> };

const operationsOf = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })),
  );

describe("the OpenAPI document", () => {
  const ctx = useTestApp();
  const doc = async () => (await ctx().app.inject({ method: "GET", url: "/openapi.json" })).json() as Doc;

  it("is a valid OpenAPI 3.0 document", async () => {
    const result = await new Validator().validate(await doc());
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("gives every operation a summary, a description and its security", async () => {
    const ops = operationsOf(await doc());
    expect(ops.length).toBeGreaterThan(80);
    expect(ops.filter(({ op }) => !op.summary || !op.description).map((o) => o.where)).toEqual([]);
    expect(ops.filter(({ op }) => !Array.isArray(op.security)).map((o) => o.where)).toEqual([]);
  });

  it("documents every error status as problem+json with the Problem schema", async () => {
    const wrong = operationsOf(await doc()).flatMap(({ where, op }) =>
      Object.entries(op.responses)
        .filter(([status]) => Number(status) >= 400)
        .filter(
          ([, r]) => r.content?.["application/problem+json"]?.schema?.$ref !== "#/components/schemas/Problem",
        )
        .map(([status]) => `${where} ${status}`),
    );
    expect(wrong).toEqual([]);
  });

  it("names the signing headers of device and producer routes, and bearer or cookie for users", async () => {
    const d = await doc();
    const device = { deviceId: [], signatureTimestamp: [], signatureNonce: [], signature: [] };
    expect(d.paths["/api/v1/device/poll"]!.get!.security).toEqual([device]);
    expect(d.paths["/api/v1/signals"]!.post!.security).toEqual([
      { producerId: [], signatureTimestamp: [], signatureNonce: [], signature: [] },
      { bearer: [] },
      { consoleSession: [] },
    ]);
    expect(d.paths["/api/v1/me"]!.get!.security).toEqual([{ bearer: [] }, { consoleSession: [] }]);
    expect(d.paths["/api/v1/catalog"]!.get!.security).toEqual([]);
    expect(Object.keys(d.components.securitySchemes as object)).toEqual(
      expect.arrayContaining(["bearer", "consoleSession", "deviceId", "producerId", "signature"]),
    );
  });

  it("documents the success status each operation really answers", async () => {
    const d = await doc();
    expect(Object.keys(d.paths["/api/v1/devices/{id}"]!.delete!.responses)).toContain("204");
    expect(Object.keys(d.paths["/api/v1/devices/{id}"]!.delete!.responses)).not.toContain("200");
    expect(d.paths["/api/v1/devices/{id}"]!.delete!.responses["204"]!.content).toBeUndefined();
    expect(Object.keys(d.paths["/api/v1/admin/users/{userId}/entitlements"]!.post!.responses)).toContain(
      "201",
    );
    expect(d.paths["/api/v1/me"]!.get!.responses["401"]).toBeDefined();
    expect(d.paths["/api/v1/orders"]!.post!.responses["409"]).toBeDefined();
  });

  it("is as strict as the server: months are 1, 3, 6 or 12, a signals cursor is one the API issued", async () => {
    const d = (await doc()) as unknown as {
      paths: Record<
        string,
        Record<string, { parameters: { name: string; schema: Record<string, unknown> }[] }>
      >;
    };
    const param = (path: string, name: string) =>
      d.paths[path]!.get!.parameters.find((p) => p.name === name)!.schema;
    expect(param("/api/v1/quotes", "months").enum).toEqual([1, 3, 6, 12]);
    expect(param("/api/v1/signals", "cursor").pattern).toBeDefined();
    const { headers } = await createUser(ctx().deps, { admin: true });
    const foreign = await ctx().app.inject({
      method: "GET",
      url: "/api/v1/signals?cursor=ord_01ARZ3NDEKTSV4RRFFQ69G5FAV",
      headers,
    });
    expect(foreign.statusCode).toBe(400);
    const issued = await ctx().app.inject({
      method: "GET",
      url: "/api/v1/signals?cursor=sig_01ARZ3NDEKTSV4RRFFQ69G5FAV",
      headers,
    });
    expect(issued.statusCode).toBe(200);
  });
  it("requires an entry price for limit and stop signals, as the server does, and not for market ones", async () => {
    type Variant = {
      properties: { orderType: { enum: string[] }; entryPrice: { nullable?: boolean } };
      required: string[];
    };
    const d = (await doc()) as unknown as {
      paths: Record<string, { post: { requestBody: { content: Record<string, { schema: unknown }> } } }>;
    };
    const body = d.paths["/api/v1/signals"]!.post.requestBody.content["application/json"]!.schema as {
      oneOf: Variant[];
    };
    const variantOf = (orderType: string) =>
      body.oneOf.filter((v) => v.properties.orderType.enum.includes(orderType));
    for (const orderType of ["limit", "stop"]) {
      expect(variantOf(orderType)).toHaveLength(1);
      expect(variantOf(orderType)[0]!.required).toContain("entryPrice");
      expect(variantOf(orderType)[0]!.properties.entryPrice.nullable).not.toBe(true);
    }
    expect(variantOf("market")).toHaveLength(1);
    expect(variantOf("market")[0]!.required).not.toContain("entryPrice");

    const { headers } = await createUser(ctx().deps, { admin: true });
    const publish = (payload: object) =>
      ctx().app.inject({ method: "POST", url: "/api/v1/signals", headers, payload });
    const signal = { instrument: "EURUSD", side: "buy", stopLoss: 1.08, takeProfit: 1.095 };
    for (const orderType of ["limit", "stop"]) {
      const refused = await publish({ ...signal, orderType, entryPrice: null });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().errors).toEqual([
        { path: "entryPrice", message: "is required for limit and stop orders" },
      ]);
      expect((await publish({ ...signal, orderType, entryPrice: 1.085 })).statusCode).toBe(201);
    }
    expect((await publish({ ...signal, orderType: "market" })).statusCode).toBe(201);
  });
});

describe("wrong methods", () => {
  const ctx = useTestApp();

  it("answer 405 with Allow for a path served with other methods, 404 for an unknown path", async () => {
    const res = await ctx().app.inject({ method: "PUT", url: "/api/v1/orders?limit=5" });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe("GET, HEAD, POST");
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json()).toMatchObject({ status: 405, code: "request.method_not_allowed" });

    const withParam = await ctx().app.inject({ method: "POST", url: "/api/v1/devices/dev_1" });
    expect(withParam.statusCode).toBe(405);
    expect(withParam.headers.allow).toBe("DELETE, GET, HEAD, PATCH");

    const unknown = await ctx().app.inject({ method: "PUT", url: "/api/v1/nothing-here" });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers.allow).toBeUndefined();
  });
});

describe("the response check route tests run under", () => {
  const doc = {
    paths: {
      "/x/{id}": {
        get: {
          responses: {
            "200": {
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["id"],
                    properties: {
                      id: { type: "string" },
                      kind: { type: "string", nullable: true, enum: ["a", null] },
                    },
                  },
                },
              },
            },
            "204": {},
            "404": {
              content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
            },
          },
        },
      },
    },
    components: {
      schemas: { Problem: { type: "object", required: ["code"], properties: { code: { type: "string" } } } },
    },
  };
  const seen = (status: number, contentType: string, body: string) => ({
    method: "GET",
    route: "/x/{id}",
    status,
    contentType,
    body,
  });

  it("accepts what the document says", () => {
    expect(
      contractViolation(doc, seen(200, "application/json; charset=utf-8", '{"id":"1","kind":null}')),
    ).toBe(null);
    expect(contractViolation(doc, seen(204, "", ""))).toBe(null);
    expect(contractViolation(doc, seen(404, "application/problem+json", '{"code":"x.y"}'))).toBe(null);
  });

  it("refuses an undocumented status, another content type, a body off the schema, a body on a 204", () => {
    expect(contractViolation(doc, seen(409, "application/problem+json", "{}"))).toMatch(
      /status not documented/,
    );
    expect(contractViolation(doc, seen(404, "application/json", '{"code":"x"}'))).toMatch(/content type/);
    expect(contractViolation(doc, seen(200, "application/json", '{"kind":"b"}'))).toMatch(/does not match/);
    expect(contractViolation(doc, seen(204, "application/json", "null"))).toMatch(/a body where/);
  });
});
