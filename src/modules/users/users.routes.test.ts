import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";

describe("/api/v1/me", () => {
  const ctx = useTestApp();

  describe("happy path", () => {
    it("shows the caller as a User", async () => {
      const { user, headers } = await createUser(ctx().deps, { telegramId: 100, username: "bob" });
      const res = await ctx().app.inject({ method: "GET", url: "/api/v1/me", headers });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        id: user.id,
        telegramId: 100,
        username: "bob",
        firstName: "Test",
        role: "user",
        tier: "free",
        autoApprove: false,
        region: null,
        referredBy: null,
        createdAt: user.createdAt.toISOString(),
      });
    });

    it("changes the region and ignores unknown fields", async () => {
      const { headers } = await createUser(ctx().deps);
      const res = await ctx().app.inject({
        method: "PATCH",
        url: "/api/v1/me",
        headers,
        payload: { region: "EU", role: "admin", telegramId: 1 },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ region: "EU", role: "user" });
    });

    it("lets an admin granted by the CLI see role admin", async () => {
      const { headers } = await createUser(ctx().deps, { admin: true });
      const res = await ctx().app.inject({ method: "GET", url: "/api/v1/me", headers });
      expect(res.json().role).toBe("admin");
    });
  });

  describe("errors", () => {
    it("answers 400 for an unknown region and changes nothing", async () => {
      const { user, headers } = await createUser(ctx().deps);
      const res = await ctx().app.inject({
        method: "PATCH",
        url: "/api/v1/me",
        headers,
        payload: { region: "MARS" },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: "request.invalid", errors: [{ path: "region" }] });
      expect((await ctx().deps.users.findById(user.id))?.region).toBeNull();
    });

    it("answers 403 entitlements.required when a free user turns auto-approve on", async () => {
      const { user, headers } = await createUser(ctx().deps);
      const res = await ctx().app.inject({
        method: "PATCH",
        url: "/api/v1/me",
        headers,
        payload: { autoApprove: true },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("entitlements.required");
      expect((await ctx().deps.users.findById(user.id))?.autoApprove).toBe(false);
    });

    it("answers 400 for a body of the wrong type", async () => {
      const { headers } = await createUser(ctx().deps);
      const res = await ctx().app.inject({
        method: "PATCH",
        url: "/api/v1/me",
        headers,
        payload: { autoApprove: "yes" },
      });
      expect(res.statusCode).toBe(400);
    });
  });

  describe("security", () => {
    it("answers 401 without a token, with a malformed header, or with a token of a deleted user", async () => {
      const { app } = ctx();
      for (const authorization of [undefined, "Basic abc", "Bearer"]) {
        const res = await app.inject({
          method: "GET",
          url: "/api/v1/me",
          headers: authorization ? { authorization } : {},
        });
        expect(res.statusCode).toBe(401);
        expect(res.headers["content-type"]).toContain("application/problem+json");
      }
      const ghost = await ctx().deps.tokens.issue("usr_DOESNOTEXIST");
      const res = await app.inject({
        method: "GET",
        url: "/api/v1/me",
        headers: { authorization: `Bearer ${ghost}` },
      });
      expect(res.statusCode).toBe(401);
    });
  });
});
