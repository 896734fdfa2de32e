import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";

describe("GET /api/v1/quotes", () => {
  const ctx = useTestApp();

  async function tierId(level: "premium" | "vip" | "enterprise" = "premium") {
    await ctx().deps.catalog.seedDefaultCatalog();
    const view = await ctx().deps.catalog.view();
    return view.categories[0]!.products[0]!.tiers.find((t) => t.level === level)!.id;
  }

  const get = (query: string, headers: Record<string, string> = {}) =>
    ctx().app.inject({ method: "GET", url: `/api/v1/quotes?${query}`, headers });

  describe("happy path", () => {
    it("quotes an anonymous buyer one month of Premium in GBP at the catalog price", async () => {
      const id = await tierId();
      const res = await get(`tierId=${id}&months=1`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        tierId: id,
        months: 1,
        region: "GB",
        currency: "GBP",
        lines: [{ code: "base", amountMinor: 2900 }],
        totalMinor: 2900,
        baseCurrency: "GBP",
        baseTotalMinor: 2900,
        fxRate: 1,
      });
    });

    it("prices twelve months in the EU with markup and volume discount, lines adding up", async () => {
      const id = await tierId();
      const res = await get(`tierId=${id}&months=12&region=EU`);
      expect(res.statusCode).toBe(200);
      const quote = res.json();
      expect(quote).toMatchObject({ currency: "EUR", fxRate: 1.17, baseTotalMinor: 34800 });
      expect(quote.lines).toEqual([
        { code: "base", amountMinor: 40716 },
        { code: "regional_markup", amountMinor: 814 },
        { code: "volume_discount", amountMinor: -8306 },
      ]);
      expect(quote.totalMinor).toBe(33224);
      expect(quote).not.toHaveProperty("fxRateDecimal");
    });

    it("uses the signed-in buyer's region when the query names none", async () => {
      const id = await tierId("vip");
      const { headers } = await createUser(ctx().deps);
      await ctx().app.inject({ method: "PATCH", url: "/api/v1/me", headers, payload: { region: "US" } });
      const res = await get(`tierId=${id}&months=3`, headers);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ region: "US", currency: "USD" });
    });

    it("lets an explicit region win over the buyer's own", async () => {
      const id = await tierId();
      const { headers } = await createUser(ctx().deps);
      await ctx().app.inject({ method: "PATCH", url: "/api/v1/me", headers, payload: { region: "US" } });
      const res = await get(`tierId=${id}&months=1&region=ASIA`, headers);
      expect(res.json()).toMatchObject({ region: "ASIA", currency: "SGD" });
    });
  });

  describe("errors", () => {
    it("answers 400 request.invalid naming months when months is not 1, 3, 6 or 12", async () => {
      const id = await tierId();
      for (const months of ["2", "0", "24", "1.5", "abc"]) {
        const res = await get(`tierId=${id}&months=${months}`);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ code: "request.invalid", errors: [{ path: "months" }] });
      }
    });

    it("answers 400 for an unknown region", async () => {
      const id = await tierId();
      const res = await get(`tierId=${id}&months=1&region=MARS`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: "request.invalid", errors: [{ path: "region" }] });
    });

    it("answers 400 when tierId or months is missing", async () => {
      const res = await get("months=1");
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toBe("tierId");
    });

    it("answers 404 catalog.tier_not_found for an unknown tier", async () => {
      await tierId();
      const res = await get("tierId=tier_NOPE&months=1");
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("catalog.tier_not_found");
    });

    it("answers 404 for an archived tier, which can no longer be bought", async () => {
      const id = await tierId();
      const { user } = await createUser(ctx().deps, { admin: true });
      await ctx().deps.catalog.archiveTier(user, id);
      const res = await get(`tierId=${id}&months=1`);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("catalog.tier_not_found");
    });
  });

  describe("cached quotes", () => {
    it("answers a repeated quote with the same bytes as the first", async () => {
      const id = await tierId();
      const miss = await get(`tierId=${id}&months=6&region=US`);
      const hit = await get(`tierId=${id}&months=6&region=US`);
      expect(hit.statusCode).toBe(200);
      expect(hit.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(hit.body).toBe(miss.body);
      expect(hit.json()).toMatchObject({ tierId: id, months: 6, region: "US", currency: "USD" });
    });

    it("prices the next quote at the new price once an admin edits the tier", async () => {
      const id = await tierId();
      expect((await get(`tierId=${id}&months=1`)).json().totalMinor).toBe(2900);
      const { headers } = await createUser(ctx().deps, { admin: true });
      const edit = await ctx().app.inject({
        method: "PATCH",
        url: `/api/v1/admin/catalog/tiers/${id}`,
        headers,
        payload: { monthlyPriceMinor: 3100 },
      });
      expect(edit.statusCode).toBe(200);
      expect((await get(`tierId=${id}&months=1`)).json().totalMinor).toBe(3100);
    });

    it("still checks a coupon on every request: expired is 409 though its plain quote is cached", async () => {
      const id = await tierId();
      const { headers } = await createUser(ctx().deps, { admin: true });
      const expiresAt = new Date(ctx().clock.now().getTime() + 60_000).toISOString();
      const created = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/admin/coupons",
        headers,
        payload: { code: "SOON", percentOff: 50, expiresAt },
      });
      expect(created.statusCode).toBe(201);
      expect((await get(`tierId=${id}&months=1&coupon=SOON`)).json().totalMinor).toBe(1450);
      expect((await get(`tierId=${id}&months=1`)).statusCode).toBe(200);
      ctx().clock.advance(60_000);
      const expired = await get(`tierId=${id}&months=1&coupon=SOON`);
      expect(expired.statusCode).toBe(409);
      expect(expired.json().code).toBe("pricing.coupon_invalid");
      expect((await get(`tierId=${id}&months=1`)).json().totalMinor).toBe(2900);
    });
  });

  describe("security", () => {
    it("refuses a malformed or forged bearer token instead of quoting anonymously", async () => {
      const id = await tierId();
      for (const authorization of ["Bearer not-a-token", "Basic abc"]) {
        const res = await get(`tierId=${id}&months=1`, { authorization });
        expect(res.statusCode).toBe(401);
      }
    });

    it("gives an anonymous caller no affiliate discount", async () => {
      const id = await tierId();
      const res = await get(`tierId=${id}&months=1`);
      expect(res.json().lines.map((l: { code: string }) => l.code)).not.toContain("affiliate_discount");
    });
  });
});
