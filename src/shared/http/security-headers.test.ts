import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createDeviceOwner } from "../../../test/support/factories";
import { signRequestFor } from "../../../test/support/signed";

/** A policy's directives by name, e.g. `{"script-src": ["'self'"]}`. */
function directives(header: unknown): Record<string, string[]> {
  expect(typeof header).toBe("string");
  return Object.fromEntries(
    String(header)
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe("security headers (helmet)", () => {
  const ctx = useTestApp();

  it("an API answer may not run, load or be framed, and is never sniffed", async () => {
    for (const url of ["/api/v1/catalog", "/api/v1/me", "/api/v1/nowhere", "/openapi.json"]) {
      const res = await ctx().app.inject({ method: "GET", url });
      expect(directives(res.headers["content-security-policy"]), url).toEqual({
        "default-src": ["'none'"],
        "frame-ancestors": ["'none'"],
      });
      expect(res.headers["x-content-type-options"], url).toBe("nosniff");
      expect(res.headers["x-frame-options"], url).toBe("DENY");
      expect(res.headers["referrer-policy"], url).toBe("no-referrer");
      expect(res.headers["cross-origin-resource-policy"], url).toBe("same-origin");
      // Reached over plain http (PUBLIC_URL unset): no HSTS, a browser would ignore it anyway.
      expect(res.headers["strict-transport-security"], url).toBeUndefined();
    }
  });

  it("the signed device poll keeps the API policy (no running, loading, framing or sniffing) and drops the headers that guard pages", async () => {
    const owner = await createDeviceOwner(ctx().deps, "vip");
    const url = "/api/v1/device/poll";
    const { headers } = signRequestFor(owner.signer, { method: "GET", url }, ctx().clock);
    const res = await ctx().app.inject({ method: "GET", url, headers });
    expect(res.statusCode).toBe(200);
    expect(directives(res.headers["content-security-policy"])).toEqual({
      "default-src": ["'none'"],
      "frame-ancestors": ["'none'"],
    });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-request-id"]).toEqual(expect.any(String));
    for (const pageOnly of [
      "x-frame-options",
      "referrer-policy",
      "cross-origin-opener-policy",
      "cross-origin-resource-policy",
      "origin-agent-cluster",
      "x-dns-prefetch-control",
      "x-download-options",
      "x-permitted-cross-domain-policies",
      "x-xss-protection",
    ])
      expect(res.headers[pageOnly], pageOnly).toBeUndefined();
  });

  it("/docs and its scripts carry a CSP of this origin only, without inline code", async () => {
    const page = await ctx().app.inject({ method: "GET", url: "/docs/" });
    expect(page.statusCode).toBe(200);
    const script = /<script src="([^"]+swagger-ui-bundle\.js)"/.exec(page.body)![1]!;
    const asset = await ctx().app.inject({ method: "GET", url: new URL(script, "http://x/docs/").pathname });
    expect(asset.statusCode).toBe(200);
    for (const res of [page, asset]) {
      const policy = directives(res.headers["content-security-policy"]);
      expect(policy["script-src"]).toEqual(["'self'"]);
      // This origin, and the one inline style of swagger-ui's logo by its hash.
      expect(policy["style-src"]).toEqual(["'self'", expect.stringMatching(/^'sha256-/)]);
      expect(policy["frame-ancestors"]).toEqual(["'none'"]);
      expect(String(res.headers["content-security-policy"])).not.toMatch(/unsafe-|https?:|validator/);
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
    }
  });
});

describe("security headers behind https", () => {
  const ctx = useTestApp({ env: { PUBLIC_URL: "https://signals.example.test" } });

  it("sends HSTS for this host only", async () => {
    const res = await ctx().app.inject({ method: "GET", url: "/healthz" });
    expect(res.headers["strict-transport-security"]).toBe("max-age=15552000");
  });
});
