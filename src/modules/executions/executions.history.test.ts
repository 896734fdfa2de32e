import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createDeviceOwner, createSubscriber, createUser } from "../../../test/support/factories";
import { type Signer, signedInject } from "../../../test/support/signed";

const BUY = { instrument: "EURUSD", side: "buy", orderType: "market" };
const fill = { price: 1.0851, volume: 0.1, brokerTicket: "778899" };

describe("execution history and attribution", () => {
  const ctx = useTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: "100000" } });
  const send = (signer: Signer, path: string, body: unknown) =>
    signedInject(ctx().app, ctx().clock, signer, { method: "POST", url: `/api/v1/device/${path}`, body });
  const get = (headers: Record<string, string>, url: string) =>
    ctx().app.inject({ method: "GET", url, headers });
  const trade = (
    ticket: string,
    profitMinor: number,
    signalId: string | null,
    closedAt = "2026-11-20T12:00:00Z",
  ) => ({
    ticket,
    instrument: "EURUSD",
    side: "buy",
    volume: 0.1,
    openPrice: 1.08,
    closePrice: 1.09,
    profitMinor,
    currency: "USD",
    openedAt: "2026-08-01T10:00:00Z",
    closedAt,
    signalId,
  });

  async function scenario() {
    const admin = await createUser(ctx().deps, { admin: true });
    const alice = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true, deviceName: "alice-ea" });
    const bob = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true, deviceName: "bob-ea" });
    const carol = await createSubscriber(ctx().deps, "premium");
    const signalId = (
      await ctx().app.inject({ method: "POST", url: "/api/v1/signals", headers: admin.headers, payload: BUY })
    ).json().id as string;
    await send(alice.signer, "ack", { signalId });
    await send(alice.signer, "fill", { signalId, ...fill });
    await send(bob.signer, "error", { signalId, code: 10018, message: "Market closed" });
    return { admin, alice, bob, carol, signalId };
  }

  describe("happy path", () => {
    it("shows a user their own devices' executions with events, and a summary of their own", async () => {
      const { alice, signalId } = await scenario();
      const res = await get(alice.headers, `/api/v1/signals/${signalId}/executions`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.summary).toEqual({
        recipients: 1,
        approved: 1,
        acked: 1,
        filled: 1,
        failed: 0,
        updatesApplied: 0,
        updatesFailed: 0,
      });
      expect(body.items).toEqual([
        expect.objectContaining({
          deviceId: alice.device.id,
          deviceName: "alice-ea",
          status: "filled",
          events: [
            { type: "ack", at: expect.any(String) },
            { type: "fill", at: expect.any(String), ...fill, filledAt: expect.any(String) },
          ],
        }),
      ]);
    });

    it("shows an admin every execution and the whole signal's summary", async () => {
      const { admin, signalId } = await scenario();
      const body = (await get(admin.headers, `/api/v1/signals/${signalId}/executions`)).json();
      expect(body.summary).toEqual({
        recipients: 3,
        approved: 2,
        acked: 2,
        filled: 1,
        failed: 1,
        updatesApplied: 0,
        updatesFailed: 0,
      });
      expect(
        body.items.map((e: { deviceName: string; status: string }) => [e.deviceName, e.status]).sort(),
      ).toEqual([
        ["alice-ea", "filled"],
        ["bob-ea", "failed"],
      ]);
      const failed = body.items.find((e: { status: string }) => e.status === "failed");
      expect(failed.events.map((e: { type: string }) => e.type)).toEqual(["ack", "error"]);
      expect(failed.events[1]).toMatchObject({ code: 10018, message: "Market closed" });
    });

    it("splits a user's trades into bot and manual, with profit and win rate, over the last N days", async () => {
      const { admin, alice, signalId } = await scenario();
      ctx().clock.set("2026-11-21T10:00:00Z");
      await send(alice.signer, "trades", trade("B1", 5000, signalId));
      await send(alice.signer, "trades", trade("M1", -2000, null, "2026-11-20T13:00:00Z"));
      await send(alice.signer, "trades", trade("M2", 1000, null, "2026-11-20T14:00:00Z"));
      await send(alice.signer, "trades", trade("OLD", 9999, null, "2026-09-01T00:00:00Z"));
      const res = await get(admin.headers, `/api/v1/admin/users/${alice.user.id}/attribution?days=30`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.bot).toEqual({ trades: 1, profitMinor: 5000, winRate: 1, profitByCurrency: { USD: 5000 } });
      expect(body.manual).toEqual({
        trades: 2,
        profitMinor: -1000,
        winRate: 0.5,
        profitByCurrency: { USD: -1000 },
      });
      expect(body.trades.map((t: { ticket: string; source: string }) => [t.ticket, t.source])).toEqual([
        ["B1", "bot"],
        ["M1", "manual"],
        ["M2", "manual"],
      ]);
      const year = (
        await get(admin.headers, `/api/v1/admin/users/${alice.user.id}/attribution?days=365`)
      ).json();
      expect(year.manual.trades).toBe(3);
    });

    it("reports zeros for a user without trades", async () => {
      const admin = await createUser(ctx().deps, { admin: true });
      const user = await createSubscriber(ctx().deps, "premium");
      const body = (await get(admin.headers, `/api/v1/admin/users/${user.user.id}/attribution`)).json();
      expect(body).toMatchObject({
        days: 30,
        bot: { trades: 0, winRate: 0 },
        manual: { trades: 0 },
        trades: [],
      });
    });
  });

  describe("errors", () => {
    it.each(["0", "366", "x"])("answers 400 for days=%s", async (days) => {
      const admin = await createUser(ctx().deps, { admin: true });
      const res = await get(admin.headers, `/api/v1/admin/users/${admin.user.id}/attribution?days=${days}`);
      expect(res.statusCode).toBe(400);
    });

    it("answers 404 for an unknown user or signal", async () => {
      const admin = await createUser(ctx().deps, { admin: true });
      expect((await get(admin.headers, "/api/v1/admin/users/usr_NOPE/attribution")).statusCode).toBe(404);
      expect((await get(admin.headers, "/api/v1/signals/sig_NOPE/executions")).statusCode).toBe(404);
    });
  });

  describe("security", () => {
    it("shows a recipient without devices no one else's executions", async () => {
      const { carol, signalId } = await scenario();
      const body = (await get(carol.headers, `/api/v1/signals/${signalId}/executions`)).json();
      expect(body).toEqual({
        summary: {
          recipients: 1,
          approved: 0,
          acked: 0,
          filled: 0,
          failed: 0,
          updatesApplied: 0,
          updatesFailed: 0,
        },
        items: [],
      });
    });

    it("hides executions of a signal from users it was not addressed to", async () => {
      const { signalId } = await scenario();
      const stranger = await createSubscriber(ctx().deps, "free");
      expect((await get(stranger.headers, `/api/v1/signals/${signalId}/executions`)).statusCode).toBe(404);
      expect(
        (await ctx().app.inject({ method: "GET", url: `/api/v1/signals/${signalId}/executions` })).statusCode,
      ).toBe(401);
    });

    it("lets only admins read the attribution report", async () => {
      const { alice } = await scenario();
      const url = `/api/v1/admin/users/${alice.user.id}/attribution`;
      expect((await ctx().app.inject({ method: "GET", url })).statusCode).toBe(401);
      expect((await get(alice.headers, url)).statusCode).toBe(403);
    });
  });
});
