import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";

const DAY = 86_400_000;

describe("entitlements", () => {
  const ctx = useTestApp();
  const tiers = async () => {
    await ctx().deps.catalog.seedDefaultCatalog();
    const [premium, vip] = (await ctx().deps.catalog.view()).categories[0]!.products[0]!.tiers;
    return { premium: premium!, vip: vip! };
  };
  const grant = async (headers: Record<string, string>, userId: string, tierId: string, days: number) =>
    ctx().app.inject({
      method: "POST",
      url: `/api/v1/admin/users/${userId}/entitlements`,
      headers,
      payload: { tierId, days },
    });

  describe("happy path", () => {
    it("an admin grant makes the user premium with its features, visible in /me and /me/entitlements", async () => {
      const { premium } = await tiers();
      const admin = await createUser(ctx().deps, { admin: true });
      const user = await createUser(ctx().deps);
      const res = await grant(admin.headers, user.user.id, premium.id, 30);
      expect(res.statusCode).toBe(201);
      const me = await ctx().app.inject({ method: "GET", url: "/api/v1/me", headers: user.headers });
      expect(me.json().tier).toBe("premium");
      const ents = (
        await ctx().app.inject({ method: "GET", url: "/api/v1/me/entitlements", headers: user.headers })
      ).json();
      expect(ents.tier).toBe("premium");
      expect(ents.features).toEqual(premium.features);
      expect(ents.items).toEqual([
        expect.objectContaining({
          tierId: premium.id,
          level: "premium",
          active: true,
          source: { grantedBy: admin.user.id },
        }),
      ]);
      expect(new Date(ents.items[0].expiresAt).getTime() - new Date(ents.items[0].startsAt).getTime()).toBe(
        30 * DAY,
      );
      expect(await ctx().deps.entitlements.hasFeature(user.user.id, "signals")).toBe(true);
    });

    it("a renewal of the same tier chains after the current period; a higher tier wins while active", async () => {
      const { premium, vip } = await tiers();
      const admin = await createUser(ctx().deps, { admin: true });
      const user = await createUser(ctx().deps);
      await grant(admin.headers, user.user.id, premium.id, 30);
      ctx().clock.advance(10 * DAY);
      const adminNow = { authorization: `Bearer ${await ctx().deps.tokens.issue(admin.user.id)}` };
      await grant(adminNow, user.user.id, premium.id, 30);
      await grant(adminNow, user.user.id, vip.id, 5);
      const fresh = { authorization: `Bearer ${await ctx().deps.tokens.issue(user.user.id)}` };
      const res = await ctx().app.inject({ method: "GET", url: "/api/v1/me/entitlements", headers: fresh });
      expect(res.statusCode, res.body).toBe(200);
      const ents = res.json();
      const premiums = ents.items.filter((i: { level: string }) => i.level === "premium");
      expect(premiums.map((i: { startsAt: string }) => i.startsAt).sort()[1]).toBe(
        premiums.map((i: { expiresAt: string }) => i.expiresAt).sort()[0],
      );
      expect(ents.tier).toBe("vip");
      ctx().clock.advance(6 * DAY);
      expect(await ctx().deps.entitlements.tierOf(user.user.id)).toBe("premium");
      ctx().clock.advance(45 * DAY);
      expect(await ctx().deps.entitlements.tierOf(user.user.id)).toBe("free");
    });

    it("an admin revoke ends the period at once, audited", async () => {
      const { vip } = await tiers();
      const admin = await createUser(ctx().deps, { admin: true });
      const user = await createUser(ctx().deps);
      const granted = (await grant(admin.headers, user.user.id, vip.id, 30)).json();
      const res = await ctx().app.inject({
        method: "DELETE",
        url: `/api/v1/admin/entitlements/${granted.id}`,
        headers: admin.headers,
      });
      expect(res.statusCode).toBe(204);
      expect(await ctx().deps.entitlements.tierOf(user.user.id)).toBe("free");
      const trail = await ctx().deps.audit.listForSubject("user", user.user.id);
      expect(trail.map((r) => r.action).sort()).toEqual(["entitlements.granted", "entitlements.revoked"]);
    });

    it("concurrent grants for one user chain instead of overlapping", async () => {
      const { premium } = await tiers();
      const admin = await createUser(ctx().deps, { admin: true });
      const user = await createUser(ctx().deps);
      await Promise.all(Array.from({ length: 5 }, () => grant(admin.headers, user.user.id, premium.id, 30)));
      const periods = (await ctx().deps.entitlements.periodsOf(user.user.id)).sort(
        (a, b) => a.startsAt.getTime() - b.startsAt.getTime(),
      );
      expect(periods).toHaveLength(5);
      for (let i = 1; i < periods.length; i++)
        expect(periods[i]!.startsAt).toEqual(periods[i - 1]!.expiresAt);
    });
  });

  describe("errors", () => {
    it("answers 404 for an unknown user, tier or entitlement and 400 for bad days", async () => {
      const { premium } = await tiers();
      const admin = await createUser(ctx().deps, { admin: true });
      const user = await createUser(ctx().deps);
      expect((await grant(admin.headers, "usr_nobody", premium.id, 30)).statusCode).toBe(404);
      expect((await grant(admin.headers, user.user.id, "tier_nope", 30)).statusCode).toBe(404);
      for (const days of [0, -1, 1.5])
        expect((await grant(admin.headers, user.user.id, premium.id, days)).statusCode).toBe(400);
      const revoke = await ctx().app.inject({
        method: "DELETE",
        url: "/api/v1/admin/entitlements/ent_nope",
        headers: admin.headers,
      });
      expect(revoke.statusCode).toBe(404);
    });
  });

  describe("security", () => {
    it("refuses grants by a user (403) and reading entitlements without a token (401)", async () => {
      const { premium } = await tiers();
      const user = await createUser(ctx().deps);
      expect((await grant(user.headers, user.user.id, premium.id, 30)).statusCode).toBe(403);
      expect(await ctx().deps.entitlements.tierOf(user.user.id)).toBe("free");
      expect((await ctx().app.inject({ method: "GET", url: "/api/v1/me/entitlements" })).statusCode).toBe(
        401,
      );
    });
  });
});
