import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";

describe("catalog", () => {
  const ctx = useTestApp();

  describe("happy path", () => {
    it("lists the default catalog of SPEC.md after the first start", async () => {
      await ctx().deps.catalog.seedDefaultCatalog();
      const res = await ctx().app.inject({ method: "GET", url: "/api/v1/catalog" });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.currency).toBe("GBP");
      expect(body.categories).toHaveLength(1);
      expect(body.categories[0]).toMatchObject({ slug: "signals", name: "Signals" });
      const tiers = body.categories[0].products[0].tiers;
      expect(
        tiers.map((t: { level: string; monthlyPriceMinor: number }) => [t.level, t.monthlyPriceMinor]),
      ).toEqual([
        ["premium", 2900],
        ["vip", 5900],
        ["enterprise", 19900],
      ]);
      expect(tiers[1].features).toEqual({
        signals: true,
        maxDevices: 3,
        autoApprove: true,
        minSignalTier: "vip",
      });
    });

    it("seeds once: restarts neither duplicate the catalog nor undo an operator's edits", async () => {
      const { deps } = ctx();
      expect(await deps.catalog.seedDefaultCatalog()).toBe(true);
      const admin = await createUser(deps, { admin: true });
      const premium = (await deps.catalog.view()).categories[0]!.products[0]!.tiers[0]!;
      await ctx().app.inject({
        method: "PATCH",
        url: `/api/v1/admin/catalog/tiers/${premium.id}`,
        headers: admin.headers,
        payload: { monthlyPriceMinor: 3100 },
      });
      expect(await deps.catalog.seedDefaultCatalog()).toBe(false);
      const view = await deps.catalog.view();
      expect(view.categories).toHaveLength(1);
      expect(view.categories[0]!.products[0]!.tiers[0]!.monthlyPriceMinor).toBe(3100);
    });

    it("lets an admin create, edit and archive categories, products and tiers, each audited", async () => {
      const { app, deps } = ctx();
      const admin = await createUser(deps, { admin: true });
      const post = (url: string, payload: object) =>
        app.inject({ method: "POST", url: `/api/v1/admin/catalog/${url}`, headers: admin.headers, payload });
      const category = await post("categories", { slug: "crypto", name: "Crypto" });
      expect(category.statusCode).toBe(201);
      const product = await post("products", { categoryId: category.json().id, slug: "btc", name: "BTC" });
      expect(product.statusCode).toBe(201);
      const tier = await post("tiers", {
        productId: product.json().id,
        level: "vip",
        name: "BTC VIP",
        monthlyPriceMinor: 9900,
        features: { signals: true, maxDevices: 2, autoApprove: true, minSignalTier: "vip" },
      });
      expect(tier.statusCode).toBe(201);
      const renamed = await app.inject({
        method: "PATCH",
        url: `/api/v1/admin/catalog/products/${product.json().id}`,
        headers: admin.headers,
        payload: { name: "Bitcoin" },
      });
      expect(renamed.json().name).toBe("Bitcoin");
      let listed = (await app.inject({ method: "GET", url: "/api/v1/catalog" })).json();
      expect(listed.categories[0].products[0]).toMatchObject({
        name: "Bitcoin",
        tiers: [{ name: "BTC VIP" }],
      });

      const archived = await app.inject({
        method: "DELETE",
        url: `/api/v1/admin/catalog/tiers/${tier.json().id}`,
        headers: admin.headers,
      });
      expect(archived.statusCode).toBe(204);
      listed = (await app.inject({ method: "GET", url: "/api/v1/catalog" })).json();
      expect(listed.categories[0].products[0].tiers).toEqual([]);
      expect(await deps.catalog.findTier(tier.json().id)).toBeDefined();
      expect(await deps.catalog.purchasableTier(tier.json().id)).toBeUndefined();
      const trail = await deps.audit.listForSubject("tier", tier.json().id);
      expect(trail.map((r) => r.action).sort()).toEqual(["catalog.tier_archived", "catalog.tier_created"]);
    });
  });

  describe("errors", () => {
    it("answers 409 for a taken slug or a second tier of the same level, 404 for unknown ids, 400 for bad prices", async () => {
      const { app, deps } = ctx();
      await deps.catalog.seedDefaultCatalog();
      const admin = await createUser(deps, { admin: true });
      const view = await deps.catalog.view();
      const productId = view.categories[0]!.products[0]!.id;
      const dup = await app.inject({
        method: "POST",
        url: "/api/v1/admin/catalog/categories",
        headers: admin.headers,
        payload: { slug: "signals", name: "Again" },
      });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().code).toBe("catalog.slug_taken");
      const features = { signals: true, maxDevices: 1, autoApprove: false, minSignalTier: "premium" };
      const sameLevel = await app.inject({
        method: "POST",
        url: "/api/v1/admin/catalog/tiers",
        headers: admin.headers,
        payload: { productId, level: "premium", name: "P2", monthlyPriceMinor: 100, features },
      });
      expect(sameLevel.json().code).toBe("catalog.level_taken");
      const missing = await app.inject({
        method: "DELETE",
        url: "/api/v1/admin/catalog/products/prd_nope",
        headers: admin.headers,
      });
      expect(missing.statusCode).toBe(404);
      for (const monthlyPriceMinor of [0, -5, 12.5, "2900"]) {
        const bad = await app.inject({
          method: "POST",
          url: "/api/v1/admin/catalog/tiers",
          headers: admin.headers,
          payload: { productId, level: "vip", name: "X", monthlyPriceMinor, features },
        });
        expect(bad.statusCode).toBe(400);
      }
    });

    it("answers 400 for a position outside the 32-bit range the database stores", async () => {
      const admin = await createUser(ctx().deps, { admin: true });
      for (const position of [2 ** 31, -(2 ** 31) - 1, 1e20]) {
        const res = await ctx().app.inject({
          method: "POST",
          url: "/api/v1/admin/catalog/categories",
          headers: admin.headers,
          payload: { slug: "far-away", name: "Far", position },
        });
        expect([res.statusCode, res.json().code], String(position)).toEqual([400, "request.invalid"]);
      }
    });
  });

  describe("security", () => {
    it("refuses admin endpoints to users (403) and to anonymous callers (401)", async () => {
      const { app, deps } = ctx();
      const user = await createUser(deps);
      const asUser = await app.inject({
        method: "POST",
        url: "/api/v1/admin/catalog/categories",
        headers: user.headers,
        payload: { slug: "x", name: "X" },
      });
      expect(asUser.statusCode).toBe(403);
      expect(asUser.json().code).toBe("auth.admin_required");
      const anonymous = await app.inject({
        method: "POST",
        url: "/api/v1/admin/catalog/categories",
        payload: {},
      });
      expect(anonymous.statusCode).toBe(401);
      expect((await deps.catalog.view()).categories).toEqual([]);
    });
  });
});
