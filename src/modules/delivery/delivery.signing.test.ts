import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createDeviceOwner } from "../../../test/support/factories";
import { deliveryCalls, signedInject, signRequestFor } from "../../../test/support/signed";

const BUY = { instrument: "EURUSD", side: "buy", orderType: "market", volume: 0.1 };

/** Signed device requests that must be refused (API.md §7.1): always 401, never a state change. */
describe("GET /api/v1/device/poll signatures", () => {
  const ctx = useTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: "100000" } });

  const { poll, signalsOf, publish, approve, ack } = deliveryCalls(ctx, BUY);

  describe("security", () => {
    const rejected = (res: { statusCode: number; json(): { code: string } }) => {
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe("device_auth.rejected");
    };

    it("refuses an unsigned report with 401 before reading its body, whatever its content type", async () => {
      for (const type of ["text/plain", "application/xml", "application/json"]) {
        const res = await ctx().app.inject({
          method: "POST",
          url: "/api/v1/device/fill",
          headers: { "content-type": type, "x-device-id": "dev_nobody" },
          payload: "<fill/>",
        });
        rejected(res);
      }
    });

    it("never verifies a non-JSON body against an empty one: 415, nothing recorded", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true });
      const signalId = await publish();
      for (const [type, signedOver] of [
        ["text/plain", ""],
        ["text/plain", JSON.stringify({ signalId })],
        ["application/x-www-form-urlencoded", ""],
      ] as const) {
        // Signed as an empty body (what the server used to check) or over the real bytes.
        const { headers } = signRequestFor(
          owner.signer,
          { method: "POST", url: "/api/v1/device/ack", body: signedOver || undefined },
          ctx().clock,
        );
        const res = await ctx().app.inject({
          method: "POST",
          url: "/api/v1/device/ack",
          headers: { ...headers, "content-type": type },
          payload: JSON.stringify({ signalId }),
        });
        expect([res.statusCode, res.json().code]).toEqual([415, "request.unsupported_media_type"]);
        expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      }
      expect(await ctx().database.query("select * from executions")).toEqual([]);
    });

    it.each(["x-device-id", "x-timestamp", "x-nonce", "x-signature"])(
      "refuses a poll without %s",
      async (header) => {
        const owner = await createDeviceOwner(ctx().deps, "vip");
        const { headers } = signRequestFor(
          owner.signer,
          { method: "GET", url: "/api/v1/device/poll" },
          ctx().clock,
        );
        const { [header]: _dropped, ...rest } = headers as Record<string, string>;
        rejected(await ctx().app.inject({ method: "GET", url: "/api/v1/device/poll", headers: rest }));
        expect(ctx().logs.some((l) => l.includes('"reason":"missing_header"'))).toBe(true);
      },
    );

    it("refuses garbled headers without a 500", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip");
      for (const garble of <Record<string, string>[]>[
        { "x-signature": "zz" },
        { "x-signature": "A".repeat(64) },
        { "x-timestamp": "soon" },
        { "x-nonce": "short" },
        { "x-device-id": "dev with spaces" },
      ]) {
        rejected(
          await signedInject(ctx().app, ctx().clock, owner.signer, {
            method: "GET",
            url: "/api/v1/device/poll",
            headers: garble,
          }),
        );
      }
    });

    it("refuses a timestamp 301 s off in either direction, and accepts 299 s", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip");
      const call = (skewSeconds: number) =>
        signedInject(ctx().app, ctx().clock, owner.signer, {
          method: "GET",
          url: "/api/v1/device/poll",
          skewSeconds,
        });
      rejected(await call(301));
      rejected(await call(-301));
      expect((await call(299)).statusCode).toBe(200);
      expect((await call(-299)).statusCode).toBe(200);
    });

    it("refuses a reused nonce, even with a fresh timestamp and signature", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip");
      const nonce = "the-same-nonce-0001";
      const call = () =>
        signedInject(ctx().app, ctx().clock, owner.signer, {
          method: "GET",
          url: "/api/v1/device/poll",
          nonce,
        });
      expect((await call()).statusCode).toBe(200);
      ctx().clock.advance(5_000);
      rejected(await call());
    });

    it("refuses a signature made for another query, device or secret", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip");
      const other = await createDeviceOwner(ctx().deps, "vip");
      const { headers } = signRequestFor(
        owner.signer,
        { method: "GET", url: "/api/v1/device/poll?wait=25" },
        ctx().clock,
      );
      rejected(await ctx().app.inject({ method: "GET", url: "/api/v1/device/poll?wait=20", headers }));
      rejected(await poll({ id: owner.signer.id, secret: other.signer.secret }));
      rejected(await poll({ id: "dev_UNKNOWN", secret: owner.signer.secret }));
    });

    it("refuses a revoked device at once, even one waiting in a long poll", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip");
      const waiting = poll(owner.signer, 20);
      await new Promise((r) => setTimeout(r, 100));
      await ctx().deps.devices.revoke(owner.user.id, owner.device.id);
      expect((await waiting).json().signals).toEqual([]);
      rejected(await poll(owner.signer));
    });

    it("never shows one user's approved signals to another user's device", async () => {
      const approver = await createDeviceOwner(ctx().deps, "vip");
      const bystander = await createDeviceOwner(ctx().deps, "vip");
      const signal = await publish();
      await approve(approver.headers, signal.id);
      expect(await signalsOf(bystander.signer)).toEqual([]);
      expect((await ack(bystander.signer, signal.id)).statusCode).toBe(404);
      expect(await ctx().database.query("select id from executions")).toEqual([]);
    });
  });
});
