import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createSubscriber, createUser } from "../../../test/support/factories";
import { type SignedCall, signedInject, signRequestFor } from "../../../test/support/signed";
import { deriveSecret } from "../../shared/signing";

const MASTER_KEY = "test-master-key-0123456789abcdefghijklmnop";
const BUY = { instrument: "XAUUSD", side: "buy", orderType: "market", stopLoss: 2300, takeProfit: 2400 };

describe("producers", () => {
  const ctx = useTestApp();
  const createProducer = async (name = "trend-bot") => {
    const { headers } = await createUser(ctx().deps, { admin: true });
    const res = await ctx().app.inject({
      method: "POST",
      url: "/api/v1/admin/producers",
      headers,
      payload: { name },
    });
    return { res, headers, producer: res.json() as { id: string; name: string; secret: string } };
  };
  const publishAs = (producer: { id: string; secret: string }, call: Partial<SignedCall> = {}) =>
    signedInject(
      ctx().app,
      ctx().clock,
      { ...producer, idHeader: "x-producer-id" },
      { method: "POST", url: "/api/v1/signals", body: BUY, ...call },
    );
  const signalCount = async () => (await ctx().database.query("select id from signals")).length;

  describe("happy path", () => {
    it("an admin creates a producer whose derived secret is shown once", async () => {
      const { res, headers, producer } = await createProducer();
      expect(res.statusCode).toBe(201);
      expect(producer).toEqual({
        id: expect.stringMatching(/^pro_/),
        name: "trend-bot",
        secret: deriveSecret(MASTER_KEY, "producer", producer.id, 1),
      });
      const list = await ctx().app.inject({ method: "GET", url: "/api/v1/admin/producers", headers });
      expect(list.json().items).toEqual([
        { id: producer.id, name: "trend-bot", createdAt: expect.any(String), revokedAt: null },
      ]);
      expect(list.body).not.toContain(producer.secret);
    });

    it("a producer publishes a signal by signature, audited as the producer", async () => {
      await createSubscriber(ctx().deps, "premium");
      const { producer } = await createProducer();
      const res = await publishAs(producer);
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ ...BUY, recipients: 1, status: "open" });
      const audit = await ctx().deps.audit.listForSubject("signal", res.json().id);
      expect(audit[0]).toMatchObject({ actorKind: "producer", actorId: producer.id });
    });

    it("a producer's externalIds are its own: another producer may reuse one", async () => {
      const a = (await createProducer("a")).producer;
      const b = (await createProducer("b")).producer;
      const body = { ...BUY, externalId: "bar-42" };
      expect((await publishAs(a, { body })).statusCode).toBe(201);
      expect((await publishAs(a, { body })).statusCode).toBe(200);
      expect((await publishAs(b, { body: { ...body, volume: 1 } })).statusCode).toBe(201);
    });

    it("the CLI command creates a producer too", async () => {
      const { commands } = await import("../../commands");
      const out = JSON.parse(await commands["producer.create"]!(ctx().deps, { name: "cli-bot" }));
      expect(out).toMatchObject({ id: expect.stringMatching(/^pro_/), name: "cli-bot" });
      expect((await publishAs(out)).statusCode).toBe(201);
      const audit = await ctx().deps.audit.listForSubject("producer", out.id);
      expect(audit[0]).toMatchObject({ actorKind: "cli", action: "producers.created" });
    });
  });

  describe("errors", () => {
    it("answers 400 for a missing name and 404 when revoking an unknown producer", async () => {
      const { headers } = await createUser(ctx().deps, { admin: true });
      const bad = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/admin/producers",
        headers,
        payload: {},
      });
      expect(bad.statusCode).toBe(400);
      const res = await ctx().app.inject({
        method: "DELETE",
        url: "/api/v1/admin/producers/pro_NOPE",
        headers,
      });
      expect([res.statusCode, res.json().code]).toEqual([404, "producers.not_found"]);
    });

    it("validates a signed publish like an admin's, after the signature", async () => {
      const { producer } = await createProducer();
      const res = await publishAs(producer, { body: { ...BUY, instrument: "gold" } });
      expect(res.statusCode).toBe(400);
    });
  });

  describe("security", () => {
    it("lets only admins manage producers", async () => {
      const user = await createSubscriber(ctx().deps, "enterprise");
      const { producer } = await createProducer();
      for (const headers of [{}, user.headers]) {
        for (const req of [
          { method: "POST" as const, url: "/api/v1/admin/producers", payload: { name: "x" } },
          { method: "GET" as const, url: "/api/v1/admin/producers" },
          { method: "DELETE" as const, url: `/api/v1/admin/producers/${producer.id}` },
        ]) {
          expect([401, 403]).toContain((await ctx().app.inject({ ...req, headers })).statusCode);
        }
      }
      expect((await publishAs(producer)).statusCode).toBe(201);
    });

    it("refuses forged, stale and replayed producer requests with one code, publishing nothing", async () => {
      const { producer } = await createProducer();
      const forged = await publishAs({ ...producer, secret: "not-the-secret" });
      const stale = await publishAs(producer, { skewSeconds: -301 });
      const nonce = "producer-nonce-000001";
      await publishAs(producer, { nonce, body: { ...BUY, externalId: "n1" } });
      const replayed = await publishAs(producer, { nonce, body: { ...BUY, externalId: "n1" } });
      for (const res of [forged, stale, replayed]) {
        expect(res.statusCode).toBe(401);
        expect(res.json().code).toBe("device_auth.rejected");
      }
      expect(await signalCount()).toBe(1);
      expect(ctx().logs.some((l) => l.includes('"reason":"replayed_nonce"'))).toBe(true);
    });

    it("a signature over one body does not cover another", async () => {
      const { producer } = await createProducer();
      const signedFor = JSON.stringify(BUY);
      const { headers } = signRequestFor(
        { ...producer, idHeader: "x-producer-id" },
        { method: "POST", url: "/api/v1/signals", body: signedFor },
        ctx().clock,
      );
      const res = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/signals",
        headers,
        payload: JSON.stringify({ ...BUY, volume: 50 }),
      });
      expect(res.statusCode).toBe(401);
      expect(await signalCount()).toBe(0);
    });

    it("a revoked producer cannot publish", async () => {
      const { producer, headers } = await createProducer();
      const res = await ctx().app.inject({
        method: "DELETE",
        url: `/api/v1/admin/producers/${producer.id}`,
        headers,
      });
      expect(res.statusCode).toBe(204);
      expect((await publishAs(producer)).statusCode).toBe(401);
      expect(await signalCount()).toBe(0);
    });
  });
});
