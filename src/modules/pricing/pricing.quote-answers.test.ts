import { afterEach, describe, expect, it, vi } from "vitest";
import { type TestApp, useListeningTestApp } from "../../../test/support/app";
import { socketGet, stableHeaders } from "../../../test/support/early-answers";

/** A quote over a real socket: the way to the path in front of Fastify (inject skips it). */
const httpGet = (ctx: () => TestApp & { url: string }, path: string, headers: Record<string, string> = {}) =>
  socketGet(`${ctx().url}${path}`, headers);

describe("an anonymous quote answered before routing (pricing.quote-answers.ts)", () => {
  const ctx = useListeningTestApp({ env: { LOG_LEVEL: "warn", RATE_LIMIT_IP_PER_MINUTE: "6" } });
  afterEach(() => vi.restoreAllMocks());

  async function premium() {
    await ctx().deps.catalog.seedDefaultCatalog();
    const view = await ctx().deps.catalog.view();
    return view.categories[0]!.products[0]!.tiers.find((t) => t.level === "premium")!;
  }

  it("answers an address the route answered before with the route's status, headers and bytes", async () => {
    const tier = await premium();
    const path = `/api/v1/quotes?tierId=${tier.id}&months=12&region=EU`;
    const quote = vi.spyOn(ctx().deps.pricing, "quote");
    const first = await httpGet(ctx, path);
    expect(first.status).toBe(200);
    expect(quote).toHaveBeenCalledTimes(1);
    const again = await httpGet(ctx, path, { "x-request-id": "quote-7" });
    expect(quote).toHaveBeenCalledTimes(1);
    expect(again.status).toBe(200);
    expect(again.body).toBe(first.body);
    expect(stableHeaders(again.headers)).toEqual(stableHeaders(first.headers));
    expect(again.headers["x-request-id"]).toBe("quote-7");
    expect(again.headers["content-security-policy"]).toBe("default-src 'none';frame-ancestors 'none'");
    expect(JSON.parse(again.body)).toMatchObject({ tierId: tier.id, months: 12, currency: "EUR" });
  });

  it("counts in the route's rate window and HTTP metrics, and leaves the 429 to the route", async () => {
    const tier = await premium();
    const path = `/api/v1/quotes?tierId=${tier.id}&months=1`;
    const quote = vi.spyOn(ctx().deps.pricing, "quote");
    expect((await httpGet(ctx, path)).headers["x-ratelimit-remaining"]).toBe("5");
    expect((await httpGet(ctx, path)).headers["x-ratelimit-remaining"]).toBe("4");
    expect(quote).toHaveBeenCalledTimes(1);
    expect(await ctx().deps.metrics.registry.getSingleMetricAsString("http_requests_total")).toContain(
      'http_requests_total{method="GET",route="/api/v1/quotes",status="200"} 2',
    );
    for (let i = 0; i < 4; i++) expect((await httpGet(ctx, path)).status).toBe(200);
    const refused = await httpGet(ctx, path);
    expect(refused.status).toBe(429);
    expect(refused.headers["content-type"]).toContain("application/problem+json");
    expect(refused.headers["retry-after"]).toBeDefined();
  });

  it("answers a catalog edit's new price at once, not the remembered one", async () => {
    const tier = await premium();
    const path = `/api/v1/quotes?tierId=${tier.id}&months=1`;
    expect(JSON.parse((await httpGet(ctx, path)).body).totalMinor).toBe(2900);
    expect(JSON.parse((await httpGet(ctx, path)).body).totalMinor).toBe(2900);
    await ctx().deps.catalog.updateTier({ id: "usr_admin" }, tier.id, { monthlyPriceMinor: 3100 });
    expect(JSON.parse((await httpGet(ctx, path)).body).totalMinor).toBe(3100);
    await ctx().deps.catalog.archiveTier({ id: "usr_admin" }, tier.id);
    const gone = await httpGet(ctx, path);
    expect(gone.status).toBe(404);
  });

  it("hands the route a caller with credentials or a cookie, a coupon, or a new address", async () => {
    const tier = await premium();
    const path = `/api/v1/quotes?tierId=${tier.id}&months=3`;
    expect((await httpGet(ctx, path)).status).toBe(200);
    const quote = vi.spyOn(ctx().deps.pricing, "quote");
    expect((await httpGet(ctx, path, { authorization: "Bearer not-a-token" })).status).toBe(401);
    expect((await httpGet(ctx, path, { cookie: "theme=dark" })).status).toBe(200);
    expect(quote).toHaveBeenCalledTimes(1);
    expect((await httpGet(ctx, `${path}&coupon=NOPE`)).status).toBe(409);
    expect((await httpGet(ctx, `${path}&coupon=NOPE`)).status).toBe(409);
    expect((await httpGet(ctx, `/api/v1/quotes?months=3&tierId=${tier.id}`)).status).toBe(200);
    expect(quote).toHaveBeenCalledTimes(4);
  });
});

describe("an anonymous quote behind a proxy (TRUST_PROXY)", () => {
  const ctx = useListeningTestApp({ env: { LOG_LEVEL: "warn", TRUST_PROXY: "true" } });

  it("always goes through the route, which counts the forwarded address", async () => {
    await ctx().deps.catalog.seedDefaultCatalog();
    const tier = (await ctx().deps.catalog.view()).categories[0]!.products[0]!.tiers[0]!;
    const path = `/api/v1/quotes?tierId=${tier.id}&months=1`;
    const quote = vi.spyOn(ctx().deps.pricing, "quote");
    for (let i = 0; i < 2; i++)
      expect((await httpGet(ctx, path, { "x-forwarded-for": "203.0.113.9" })).status).toBe(200);
    expect(quote).toHaveBeenCalledTimes(2);
  });
});
