import { readFile, writeFile } from "node:fs/promises";
import openapiTS, { astToString } from "openapi-typescript";
import { describe, expect, it } from "vitest";
import { useTestApp } from "./support/app";

const SCHEMA = new URL("../web/src/api/schema.d.ts", import.meta.url);
const HEADER =
  "// Generated from /openapi.json by test/web-api-client.test.ts; run `npm run web:api` after an API change.\n";

/**
 * The web pages' typed API client is generated from the service's own OpenAPI document: this
 * test fails when the committed types drift from it (a route, field or status changed), and
 * `npm run web:api` (UPDATE_WEB_API=1) rewrites them.
 */
describe("the web pages' API client", () => {
  const ctx = useTestApp();

  it("matches /openapi.json", async () => {
    const doc = (await ctx().app.inject({ method: "GET", url: "/openapi.json" })).json();
    const generated = HEADER + astToString(await openapiTS(doc));
    if (process.env.UPDATE_WEB_API === "1") await writeFile(SCHEMA, generated);
    const committed = await readFile(SCHEMA, "utf8").catch(() => "");
    expect(committed, "web/src/api/schema.d.ts is out of date: run `npm run web:api`").toBe(generated);
  });
});
