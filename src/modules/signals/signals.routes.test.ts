import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createSubscriber, createUser } from "../../../test/support/factories";

const BUY = {
  instrument: "EURUSD",
  side: "buy",
  orderType: "limit",
  entryPrice: 1.085,
  stopLoss: 1.08,
  takeProfit: 1.095,
};

describe("/api/v1/signals", () => {
  const ctx = useTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: "100000" } });
  const admin = () => createUser(ctx().deps, { admin: true });
  const publish = (headers: Record<string, string>, payload: unknown) =>
    ctx().app.inject({ method: "POST", url: "/api/v1/signals", headers, payload: payload as object });
  const decide = (headers: Record<string, string>, id: string, decision: string) =>
    ctx().app.inject({
      method: "POST",
      url: `/api/v1/signals/${id}/decision`,
      headers,
      payload: { decision },
    });
  const get = (headers: Record<string, string>, url: string) =>
    ctx().app.inject({ method: "GET", url, headers });

  describe("happy path", () => {
    it("publishes to every entitled user at or above minTier, auto-approving where the plan and switch allow", async () => {
      const premium = await createSubscriber(ctx().deps, "premium");
      const vip = await createSubscriber(ctx().deps, "vip", { autoApprove: true });
      const enterprise = await createSubscriber(ctx().deps, "enterprise");
      const free = await createSubscriber(ctx().deps, "free");
      const res = await publish((await admin()).headers, { ...BUY, note: "NFP fade", volume: 0.1 });
      expect(res.statusCode).toBe(201);
      const signal = res.json();
      const now = ctx().clock.now();
      expect(signal).toEqual({
        id: expect.stringMatching(/^sig_/),
        externalId: null,
        ...BUY,
        volume: 0.1,
        minTier: "premium",
        note: "NFP fade",
        status: "open",
        positionStatus: "open",
        updates: [],
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + 300_000).toISOString(),
        recipients: 3,
      });
      const decisionOf = async (headers: Record<string, string>) =>
        (await get(headers, `/api/v1/signals/${signal.id}`)).json().decision;
      expect(await decisionOf(premium.headers)).toBe("pending");
      expect(await decisionOf(vip.headers)).toBe("approved");
      expect(await decisionOf(enterprise.headers)).toBe("pending");
      expect((await get(free.headers, `/api/v1/signals/${signal.id}`)).statusCode).toBe(404);
      const metrics = await ctx().deps.metrics.registry.getSingleMetricAsString("signals_published_total");
      expect(metrics).toContain("signals_published_total 1");
    });

    it("addresses a vip signal to vip and enterprise users only", async () => {
      await createSubscriber(ctx().deps, "premium");
      await createSubscriber(ctx().deps, "vip");
      await createSubscriber(ctx().deps, "enterprise");
      const res = await publish((await admin()).headers, { ...BUY, minTier: "vip", ttlSeconds: 60 });
      expect(res.json()).toMatchObject({ recipients: 2, minTier: "vip" });
    });

    it("returns the first signal for a repeated externalId with the same body, in any key order", async () => {
      const { headers } = await admin();
      const first = await publish(headers, { externalId: "strat-1", ...BUY });
      const { instrument, ...rest } = BUY;
      const again = await publish(headers, { ...rest, externalId: "strat-1", instrument, ttlSeconds: 300 });
      expect([first.statusCode, again.statusCode]).toEqual([201, 200]);
      expect(again.json()).toEqual(first.json());
    });

    it("publishes one signal when the same externalId arrives concurrently", async () => {
      const { headers } = await admin();
      const results = await Promise.all(
        Array.from({ length: 6 }, () => publish(headers, { externalId: "race", ...BUY })),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 201]);
      expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    });

    it("lists a user's signals newest first with their decision, a page at a time", async () => {
      const user = await createSubscriber(ctx().deps, "vip");
      const { headers } = await admin();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ctx().clock.advance(1000);
        ids.push((await publish(headers, BUY)).json().id);
      }
      await decide(user.headers, ids[0]!, "reject");
      const page1 = (await get(user.headers, "/api/v1/signals?limit=2")).json();
      expect(page1.items.map((s: { id: string }) => s.id)).toEqual([ids[2], ids[1]]);
      expect(page1.items[0].decision).toBe("pending");
      const page2 = (await get(user.headers, `/api/v1/signals?limit=2&cursor=${page1.nextCursor}`)).json();
      expect(page2).toMatchObject({ items: [{ id: ids[0], decision: "rejected" }], nextCursor: null });
    });

    it("lists every signal for an admin with how recipients decided", async () => {
      const a = await createSubscriber(ctx().deps, "vip");
      await createSubscriber(ctx().deps, "vip");
      const { headers } = await admin();
      const id = (await publish(headers, BUY)).json().id;
      await decide(a.headers, id, "approve");
      const list = (await get(headers, "/api/v1/signals")).json();
      expect(list.items).toEqual([
        expect.objectContaining({ id, recipients: 2, decisions: { pending: 1, approved: 1, rejected: 0 } }),
      ]);
      expect((await get(headers, `/api/v1/signals/${id}`)).json().decisions.approved).toBe(1);
    });

    it("records an approval once, audited, and shows it", async () => {
      const user = await createSubscriber(ctx().deps, "premium");
      const id = (await publish((await admin()).headers, BUY)).json().id;
      const res = await decide(user.headers, id, "approve");
      expect(res.statusCode).toBe(201);
      expect(res.json()).toEqual({
        signalId: id,
        decision: "approved",
        decidedAt: ctx().clock.now().toISOString(),
      });
      expect((await get(user.headers, `/api/v1/signals/${id}`)).json().decision).toBe("approved");
      const audit = await ctx().deps.audit.listForSubject("signal", id);
      expect(audit.map((a) => [a.action, a.actorId])).toContainEqual(["signals.approved", user.user.id]);
    });

    it("expires a signal after its TTL: status expired, undecided recipients see expired", async () => {
      const user = await createSubscriber(ctx().deps, "premium");
      const id = (await publish((await admin()).headers, { ...BUY, ttlSeconds: 10 })).json().id;
      ctx().clock.advance(10_000);
      expect((await get(user.headers, `/api/v1/signals/${id}`)).json()).toMatchObject({
        status: "expired",
        decision: "expired",
      });
    });

    it("lets an admin cancel an open signal, and cancelling again changes nothing", async () => {
      await createSubscriber(ctx().deps, "premium");
      const { headers } = await admin();
      const id = (await publish(headers, BUY)).json().id;
      const url = `/api/v1/signals/${id}/cancel`;
      const res = await ctx().app.inject({ method: "POST", url, headers });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id, status: "cancelled" });
      ctx().clock.advance(1000);
      const again = await ctx().app.inject({ method: "POST", url, headers });
      expect(again.json()).toEqual(res.json());
      expect((await ctx().deps.audit.listForSubject("signal", id)).map((a) => a.action)).toContain(
        "signals.cancelled",
      );
    });
  });

  describe("errors", () => {
    it("answers 409 signals.external_id_conflict for a reused externalId with another body", async () => {
      const { headers } = await admin();
      await publish(headers, { externalId: "x-1", ...BUY });
      const res = await publish(headers, { externalId: "x-1", ...BUY, volume: 2 });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("signals.external_id_conflict");
      expect(await ctx().database.query("select id from signals")).toHaveLength(1);
    });

    it("answers 409 signals.already_decided to a second decision and keeps the first", async () => {
      const user = await createSubscriber(ctx().deps, "premium");
      const id = (await publish((await admin()).headers, BUY)).json().id;
      await decide(user.headers, id, "reject");
      const res = await decide(user.headers, id, "approve");
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("signals.already_decided");
      expect((await get(user.headers, `/api/v1/signals/${id}`)).json().decision).toBe("rejected");
    });

    it("settles concurrent decisions of one user to exactly one", async () => {
      const user = await createSubscriber(ctx().deps, "premium");
      const id = (await publish((await admin()).headers, BUY)).json().id;
      const results = await Promise.all(
        ["approve", "reject", "approve", "reject"].map((d) => decide(user.headers, id, d)),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409]);
    });

    it("answers 409 signals.expired to a decision after expiry, and to cancelling an expired signal", async () => {
      const user = await createSubscriber(ctx().deps, "premium");
      const { headers } = await admin();
      const id = (await publish(headers, { ...BUY, ttlSeconds: 10 })).json().id;
      ctx().clock.advance(10_001);
      const res = await decide(user.headers, id, "approve");
      expect([res.statusCode, res.json().code]).toEqual([409, "signals.expired"]);
      const cancel = await ctx().app.inject({ method: "POST", url: `/api/v1/signals/${id}/cancel`, headers });
      expect([cancel.statusCode, cancel.json().code]).toEqual([409, "signals.expired"]);
    });

    it("answers 409 signals.cancelled to a decision on a cancelled signal", async () => {
      const user = await createSubscriber(ctx().deps, "premium");
      const { headers } = await admin();
      const id = (await publish(headers, BUY)).json().id;
      await ctx().app.inject({ method: "POST", url: `/api/v1/signals/${id}/cancel`, headers });
      const res = await decide(user.headers, id, "approve");
      expect([res.statusCode, res.json().code]).toEqual([409, "signals.cancelled"]);
    });

    it("answers 404 for unknown signals and 400 for an unknown decision", async () => {
      const user = await createSubscriber(ctx().deps, "premium");
      const { headers } = await admin();
      expect((await get(user.headers, "/api/v1/signals/sig_NOPE")).statusCode).toBe(404);
      expect((await decide(user.headers, "sig_NOPE", "approve")).statusCode).toBe(404);
      const cancel = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/signals/sig_NOPE/cancel",
        headers,
      });
      expect(cancel.statusCode).toBe(404);
      const id = (await publish(headers, BUY)).json().id;
      expect((await decide(user.headers, id, "maybe")).statusCode).toBe(400);
      expect((await get(user.headers, "/api/v1/signals?limit=101")).statusCode).toBe(400);
    });
  });

  describe("security", () => {
    it("refuses a producer call without its signing headers with 401, whatever the body", async () => {
      const res = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/signals",
        headers: { "content-type": "text/plain", "x-producer-id": "prd_nobody" },
        payload: "not json",
      });
      expect([res.statusCode, res.json().code]).toEqual([401, "device_auth.rejected"]);
    });

    it("refuses to publish without a token (401) or as a non-admin (403)", async () => {
      const user = await createSubscriber(ctx().deps, "enterprise");
      expect((await publish({}, BUY)).statusCode).toBe(401);
      const res = await publish(user.headers, BUY);
      expect([res.statusCode, res.json().code]).toEqual([403, "auth.admin_required"]);
      expect(await ctx().database.query("select id from signals")).toEqual([]);
    });

    it("hides a signal from users it was not addressed to", async () => {
      await createSubscriber(ctx().deps, "vip");
      const outsider = await createSubscriber(ctx().deps, "premium");
      const id = (await publish((await admin()).headers, { ...BUY, minTier: "vip" })).json().id;
      expect((await get(outsider.headers, `/api/v1/signals/${id}`)).statusCode).toBe(404);
      expect((await get(outsider.headers, "/api/v1/signals")).json().items).toEqual([]);
      expect((await decide(outsider.headers, id, "approve")).statusCode).toBe(404);
      expect((await get(outsider.headers, `/api/v1/signals/${id}/executions`)).statusCode).toBe(404);
    });

    it("lets only admins cancel", async () => {
      const user = await createSubscriber(ctx().deps, "premium");
      const id = (await publish((await admin()).headers, BUY)).json().id;
      const url = `/api/v1/signals/${id}/cancel`;
      expect((await ctx().app.inject({ method: "POST", url })).statusCode).toBe(401);
      expect((await ctx().app.inject({ method: "POST", url, headers: user.headers })).statusCode).toBe(403);
      expect((await get(user.headers, `/api/v1/signals/${id}`)).json().status).toBe("open");
    });

    it("answers 401 to list, get and decide without a token", async () => {
      for (const [method, url] of [
        ["GET", "/api/v1/signals"],
        ["GET", "/api/v1/signals/sig_x"],
        ["POST", "/api/v1/signals/sig_x/decision"],
      ] as const) {
        expect((await ctx().app.inject({ method, url })).statusCode).toBe(401);
      }
    });
  });
});
