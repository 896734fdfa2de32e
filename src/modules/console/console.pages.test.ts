import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Fastify from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { registerSecurityHeaders } from "../../shared/http/security-headers";
import { consolePages } from "./console.pages";

describe("the pages' server", () => {
  const ctx = useTestApp();

  async function pagesFrom(distDir: string) {
    const app = Fastify({ logger: false });
    await registerSecurityHeaders(app, { https: false });
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    const { deps } = ctx();
    await app.register(
      consolePages({
        ...deps,
        adminTelegramIds: deps.config.adminTelegramIds,
        secureCookies: false,
        distDir,
      }),
    );
    return app;
  }

  it("without a build, /console and /app answer 503 saying how to build them, not a crash", async () => {
    const app = await pagesFrom(mkdtempSync(path.join(tmpdir(), "sd-web-empty-")));
    for (const url of ["/console", "/app", "/console/users/usr_1"]) {
      const res = await app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(503);
      expect(res.body).toContain("npm run build:web");
      expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
    }
    expect((await app.inject({ method: "GET", url: "/assets/app.js" })).statusCode).toBe(404);
    await app.close();
  });

  it("serves the built pages with the CSP, and hashed assets as immutable files", async () => {
    const dist = mkdtempSync(path.join(tmpdir(), "sd-web-"));
    for (const dir of ["console", "app", "assets"]) mkdirSync(path.join(dist, dir));
    writeFileSync(path.join(dist, "console/index.html"), "<!doctype html><title>console</title>");
    writeFileSync(path.join(dist, "app/index.html"), "<!doctype html><title>app</title>");
    writeFileSync(path.join(dist, "assets/app-abc123.js"), "export {};");
    const app = await pagesFrom(dist);
    const page = await app.inject({ method: "GET", url: "/app/devices" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("<title>app</title>");
    expect(page.headers["content-security-policy"]).toMatch(
      /frame-ancestors 'self' https:\/\/web\.telegram\.org/,
    );
    // Telegram Web frames the Mini App: no X-Frame-Options (it cannot name an origin) there.
    expect(page.headers["x-frame-options"]).toBeUndefined();
    expect(page.headers["referrer-policy"]).toBe("no-referrer");
    const console = await app.inject({ method: "GET", url: "/console" });
    expect(console.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(console.headers["x-frame-options"]).toBe("DENY");
    const asset = await app.inject({ method: "GET", url: "/assets/app-abc123.js" });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers["cache-control"]).toContain("immutable");
    expect(asset.headers["x-content-type-options"]).toBe("nosniff");
    for (const bad of ["/assets/..%2Fconsole%2Findex.html", "/assets/.hidden", "/assets/missing.js"]) {
      expect((await app.inject({ method: "GET", url: bad })).statusCode, bad).toBe(404);
    }
    await app.close();
  });
});
