import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createSubscriber, createUser } from "../../../test/support/factories";
import { signedInject } from "../../../test/support/signed";
import { deriveSecret } from "../../shared/signing";

const MASTER_KEY = "test-master-key-0123456789abcdefghijklmnop";

describe("/api/v1/devices", () => {
  const ctx = useTestApp();
  const register = (headers: Record<string, string>, name: string) =>
    ctx().app.inject({ method: "POST", url: "/api/v1/devices", headers, payload: { name } });
  const poll = (signer: { id: string; secret: string }) =>
    signedInject(ctx().app, ctx().clock, signer, { method: "GET", url: "/api/v1/device/poll" });

  describe("happy path", () => {
    it("registers a device and shows its derived secret once", async () => {
      const { headers } = await createSubscriber(ctx().deps, "vip");
      const res = await register(headers, "  London VPS ");
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toEqual({
        id: expect.stringMatching(/^dev_/),
        name: "London VPS",
        secret: deriveSecret(MASTER_KEY, "device", body.id, 1),
        createdAt: ctx().clock.now().toISOString(),
        lastSeenAt: null,
        online: false,
      });
      const list = await ctx().app.inject({ method: "GET", url: "/api/v1/devices", headers });
      expect(list.json().items).toEqual([
        {
          id: body.id,
          name: "London VPS",
          createdAt: body.createdAt,
          lastSeenAt: null,
          online: false,
          revokedAt: null,
          account: null,
          client: null,
          helloAt: null,
        },
      ]);
      expect(list.body).not.toContain(body.secret);
      const rows = await ctx().database.query("select * from devices");
      expect(JSON.stringify(rows)).not.toContain(body.secret);
    });

    it("shows a device online after a signed call and writes lastSeenAt in a batch", async () => {
      const { headers } = await createSubscriber(ctx().deps, "vip");
      const { id, secret } = (await register(headers, "EA")).json();
      expect((await poll({ id, secret })).statusCode).toBe(200);
      const shown = (await ctx().app.inject({ method: "GET", url: `/api/v1/devices/${id}`, headers })).json();
      expect(shown).toMatchObject({ online: true, lastSeenAt: ctx().clock.now().toISOString() });
      const [before] = await ctx().database.query<{ last_seen_at: Date | null }>(
        "select last_seen_at from devices",
      );
      expect(before?.last_seen_at).toBeNull();
      await ctx().deps.devices.flushLastSeen();
      const [after] = await ctx().database.query<{ last_seen_at: Date | null }>(
        "select last_seen_at from devices",
      );
      expect(new Date(after!.last_seen_at!).toISOString()).toBe(ctx().clock.now().toISOString());
      ctx().clock.advance(300_000);
      const later = (await ctx().app.inject({ method: "GET", url: `/api/v1/devices/${id}`, headers })).json();
      expect(later.online).toBe(false);
    });

    it("renames a device", async () => {
      const { headers } = await createSubscriber(ctx().deps, "vip");
      const { id } = (await register(headers, "old")).json();
      const res = await ctx().app.inject({
        method: "PATCH",
        url: `/api/v1/devices/${id}`,
        headers,
        payload: { name: "new" },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id, name: "new" });
    });

    it("a device whose secret was rotated cannot sign with the old secret, and can with the new one", async () => {
      const { headers } = await createSubscriber(ctx().deps, "vip");
      const { id, secret } = (await register(headers, "EA")).json();
      const res = await ctx().app.inject({ method: "POST", url: `/api/v1/devices/${id}/secret`, headers });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ id, secret: deriveSecret(MASTER_KEY, "device", id, 2) });
      expect((await poll({ id, secret })).statusCode).toBe(401);
      expect((await poll({ id, secret: res.json().secret })).statusCode).toBe(200);
    });

    it("a removed device is refused at once, stays listed as revoked, and frees its name", async () => {
      const { headers } = await createSubscriber(ctx().deps, "premium");
      const { id, secret } = (await register(headers, "EA")).json();
      expect((await poll({ id, secret })).statusCode).toBe(200);
      const res = await ctx().app.inject({ method: "DELETE", url: `/api/v1/devices/${id}`, headers });
      expect(res.statusCode).toBe(204);
      const refused = await poll({ id, secret });
      expect(refused.statusCode).toBe(401);
      expect(refused.json().code).toBe("device_auth.rejected");
      const listed = (await ctx().app.inject({ method: "GET", url: "/api/v1/devices", headers })).json();
      expect(listed.items[0]).toMatchObject({
        id,
        revokedAt: ctx().clock.now().toISOString(),
        online: false,
      });
      expect((await register(headers, "EA")).statusCode).toBe(201);
      const again = await ctx().app.inject({ method: "DELETE", url: `/api/v1/devices/${id}`, headers });
      expect(again.statusCode).toBe(204);
    });

    it("audits registration, rotation and removal", async () => {
      const { headers } = await createSubscriber(ctx().deps, "vip");
      const { id } = (await register(headers, "EA")).json();
      await ctx().app.inject({ method: "POST", url: `/api/v1/devices/${id}/secret`, headers });
      await ctx().app.inject({ method: "DELETE", url: `/api/v1/devices/${id}`, headers });
      const actions = (await ctx().deps.audit.listForSubject("device", id)).map((a) => a.action);
      expect(actions.sort()).toEqual(["devices.registered", "devices.revoked", "devices.secret_rotated"]);
    });
  });

  describe("errors", () => {
    it("answers 409 devices.name_taken for a second active device with the same name", async () => {
      const { headers } = await createSubscriber(ctx().deps, "vip");
      await register(headers, "EA");
      const res = await register(headers, "EA");
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("devices.name_taken");
      const { id } = (await register(headers, "Other")).json();
      const rename = await ctx().app.inject({
        method: "PATCH",
        url: `/api/v1/devices/${id}`,
        headers,
        payload: { name: "EA" },
      });
      expect(rename.statusCode).toBe(409);
      expect(rename.json().code).toBe("devices.name_taken");
    });

    it("answers 403 devices.limit_reached beyond the plan's maxDevices, counting only active devices", async () => {
      const { headers } = await createSubscriber(ctx().deps, "premium");
      const { id } = (await register(headers, "one")).json();
      const res = await register(headers, "two");
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("devices.limit_reached");
      await ctx().app.inject({ method: "DELETE", url: `/api/v1/devices/${id}`, headers });
      expect((await register(headers, "two")).statusCode).toBe(201);
    });

    it("never lets concurrent registrations exceed the limit", async () => {
      const { headers } = await createSubscriber(ctx().deps, "vip");
      const results = await Promise.all(["a", "b", "c", "d", "e"].map((n) => register(headers, n)));
      expect(results.filter((r) => r.statusCode === 201)).toHaveLength(3);
      expect(results.filter((r) => r.statusCode === 403)).toHaveLength(2);
    });

    it.each([[""], ["   "], ["x".repeat(65)]])("answers 400 for the name %j", async (name) => {
      const { headers } = await createSubscriber(ctx().deps, "vip");
      const res = await register(headers, name);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: "request.invalid", errors: [{ path: "name" }] });
    });

    it("answers 404 for an unknown device on every route", async () => {
      const { headers } = await createSubscriber(ctx().deps, "vip");
      const url = "/api/v1/devices/dev_UNKNOWN";
      for (const req of [
        { method: "GET" as const, url },
        { method: "PATCH" as const, url, payload: { name: "x" } },
        { method: "DELETE" as const, url },
        { method: "POST" as const, url: `${url}/secret` },
      ]) {
        const res = await ctx().app.inject({ ...req, headers });
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe("devices.not_found");
      }
    });

    it("answers 409 devices.revoked when renaming or rotating a removed device", async () => {
      const { headers } = await createSubscriber(ctx().deps, "vip");
      const { id } = (await register(headers, "EA")).json();
      await ctx().app.inject({ method: "DELETE", url: `/api/v1/devices/${id}`, headers });
      const rename = await ctx().app.inject({
        method: "PATCH",
        url: `/api/v1/devices/${id}`,
        headers,
        payload: { name: "x" },
      });
      const rotate = await ctx().app.inject({ method: "POST", url: `/api/v1/devices/${id}/secret`, headers });
      expect([rename.json().code, rotate.json().code]).toEqual(["devices.revoked", "devices.revoked"]);
    });
  });

  describe("security", () => {
    it("answers 401 without a token", async () => {
      for (const [method, url] of [
        ["POST", "/api/v1/devices"],
        ["GET", "/api/v1/devices"],
        ["GET", "/api/v1/devices/dev_x"],
        ["PATCH", "/api/v1/devices/dev_x"],
        ["DELETE", "/api/v1/devices/dev_x"],
        ["POST", "/api/v1/devices/dev_x/secret"],
      ] as const) {
        expect((await ctx().app.inject({ method, url })).statusCode).toBe(401);
      }
    });

    it("answers 404 for another user's device and leaves it untouched", async () => {
      const owner = await createSubscriber(ctx().deps, "vip");
      const { id, secret } = (await register(owner.headers, "EA")).json();
      const { headers } = await createUser(ctx().deps);
      const url = `/api/v1/devices/${id}`;
      for (const req of [
        { method: "GET" as const, url },
        { method: "PATCH" as const, url, payload: { name: "mine" } },
        { method: "DELETE" as const, url },
        { method: "POST" as const, url: `${url}/secret` },
      ]) {
        expect((await ctx().app.inject({ ...req, headers })).statusCode).toBe(404);
      }
      expect((await ctx().app.inject({ method: "GET", url, headers: owner.headers })).json()).toMatchObject({
        name: "EA",
        revokedAt: null,
      });
      expect((await poll({ id, secret })).statusCode).toBe(200);
      expect(
        (await ctx().app.inject({ method: "GET", url: "/api/v1/devices", headers })).json().items,
      ).toEqual([]);
    });
  });
});
