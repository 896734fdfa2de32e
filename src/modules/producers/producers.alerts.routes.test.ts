import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";
import { auditLog } from "../audit/audit.table";
import { producers } from "./producers.table";

/** Alert webhooks (API.md §10.1). */
describe("alert webhooks", () => {
  const ctx = useTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: "100000", PUBLIC_URL: "https://desk.example" } });

  async function producerWithUrl() {
    const admin = await createUser(ctx().deps, { admin: true });
    const created = await ctx().app.inject({
      method: "POST",
      url: "/api/v1/admin/producers",
      headers: admin.headers,
      payload: { name: "tradingview" },
    });
    const producer = created.json() as { id: string };
    const res = await ctx().app.inject({
      method: "POST",
      url: `/api/v1/admin/producers/${producer.id}/alert-url`,
      headers: admin.headers,
    });
    expect(res.statusCode, res.body).toBe(201);
    const url = res.json().url as string;
    return { admin, producer, url, path: new URL(url).pathname };
  }
  const alert = (path: string, body: unknown, contentType = "application/json") =>
    ctx().app.inject({
      method: "POST",
      url: path,
      headers: { "content-type": contentType },
      payload: typeof body === "string" ? body : JSON.stringify(body),
    });

  describe("happy path", () => {
    it("issues a URL under PUBLIC_URL whose token is stored only as a hash", async () => {
      const { url, producer } = await producerWithUrl();
      expect(url).toMatch(/^https:\/\/desk\.example\/api\/v1\/hooks\/alerts\/[A-Za-z0-9_-]{43}$/);
      const token = url.split("/").at(-1)!;
      const rows = await ctx().deps.db.select().from(producers);
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(rows.find((r) => r.id === producer.id)?.alertTokenHash).toMatch(/^[0-9a-f]{64}$/);
      const audit = await ctx().deps.db.select().from(auditLog);
      expect(audit.map((a) => a.action)).toContain("producers.alert_url_issued");
    });

    it("publishes a signal as the producer from a TradingView text/plain alert, idempotently by externalId", async () => {
      const { path, producer } = await producerWithUrl();
      const body = `{"action":"buy","instrument":"FX:eurusd","stopLoss":1.08,"takeProfit":1.1,"externalId":"tv-1"}`;
      const res = await alert(path, body, "text/plain; charset=utf-8");
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({
        instrument: "EURUSD",
        side: "buy",
        orderType: "market",
        externalId: "tv-1",
      });
      const again = await alert(path, body, "text/plain; charset=utf-8");
      expect(again.statusCode).toBe(200);
      expect(again.json().id).toBe(res.json().id);
      const audit = await ctx().deps.db.select().from(auditLog);
      expect(audit.find((a) => a.action === "signals.published")).toMatchObject({ actorId: producer.id });
    });

    it("manages the producer's newest open signal on the instrument, or the one named by ref", async () => {
      const { path } = await producerWithUrl();
      const first = (
        await alert(path, { action: "sell", instrument: "GBPUSD", externalId: "g-1", stopLoss: 1.3 })
      ).json();
      ctx().clock.advance(1_000);
      const second = (
        await alert(path, { action: "sell", instrument: "GBPUSD", externalId: "g-2", stopLoss: 1.3 })
      ).json();
      const modify = await alert(path, { action: "modify", instrument: "GBPUSD", stopLoss: 1.29 });
      expect(modify.statusCode, modify.body).toBe(201);
      expect(modify.json()).toMatchObject({ signalId: second.id, action: "modify", stopLoss: 1.29 });
      const close = await alert(path, { action: "close", ref: "g-1", externalId: "close-g-1" });
      expect(close.statusCode, close.body).toBe(201);
      expect(close.json()).toMatchObject({ signalId: first.id, action: "close" });
      // A retried close alert replays the first answer even though the position is closed now.
      const retry = await alert(path, { action: "close", ref: "g-1", externalId: "close-g-1" });
      expect(retry.statusCode).toBe(200);
      const partial = await alert(path, { action: "close_partial", instrument: "GBPUSD", fraction: 0.25 });
      expect(partial.json()).toMatchObject({ signalId: second.id, fraction: 0.25 });
    });
  });

  describe("errors", () => {
    it("answers 409 signals.no_open_position for an instrument without an open signal", async () => {
      const { path } = await producerWithUrl();
      const res = await alert(path, { action: "close", instrument: "USDJPY" });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("signals.no_open_position");
    });

    it("answers 413 for a body over 8 KiB", async () => {
      const { path } = await producerWithUrl();
      const res = await alert(path, { action: "buy", instrument: "EURUSD", note: "n".repeat(9 * 1024) });
      expect(res.statusCode).toBe(413);
      expect(res.json().code).toBe("request.too_large");
    });

    it.each([
      ["not JSON", "buy EURUSD now", "text/plain"],
      ["a JSON array", "[1,2]", "application/json"],
      ["an unknown action", `{"action":"reverse","instrument":"EURUSD"}`, "application/json"],
      [
        "a stop on the wrong side",
        `{"action":"buy","instrument":"EURUSD","orderType":"limit","entryPrice":1.1,"stopLoss":1.2}`,
        "text/plain",
      ],
      ["broken JSON", `{"action":`, "application/json"],
    ])("answers 400 problem+json for %s", async (_name, body, type) => {
      const { path } = await producerWithUrl();
      const res = await alert(path, body, type);
      expect(res.statusCode).toBe(400);
      expect(res.headers["content-type"]).toContain("application/problem+json");
    });

    it("limits each URL to 30 alerts a minute with 429 and Retry-After", async () => {
      const { path } = await producerWithUrl();
      // The bucket refills at 0.5 a second, so a slow machine may get a few more through.
      let served = 0;
      let limited: Awaited<ReturnType<typeof alert>> | undefined;
      while (!limited && served < 45) {
        const res = await alert(path, { action: "close", instrument: "NONE" });
        if (res.statusCode === 429) limited = res;
        else {
          expect(res.statusCode).toBe(409);
          served++;
        }
      }
      expect(served).toBeGreaterThanOrEqual(30);
      expect(limited?.statusCode).toBe(429);
      expect(Number(limited?.headers["retry-after"])).toBeGreaterThan(0);
    });
  });

  describe("security", () => {
    it("answers 404 for an unknown token and for a replaced one", async () => {
      const { path, admin, producer } = await producerWithUrl();
      expect(
        (await alert("/api/v1/hooks/alerts/not-a-token", { action: "buy", instrument: "EURUSD" })).statusCode,
      ).toBe(404);
      const replaced = await ctx().app.inject({
        method: "POST",
        url: `/api/v1/admin/producers/${producer.id}/alert-url`,
        headers: admin.headers,
      });
      expect(replaced.statusCode).toBe(201);
      const res = await alert(path, { action: "buy", instrument: "EURUSD" });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("producers.alert_url_not_found");
      expect(
        (await alert(new URL(replaced.json().url).pathname, { action: "buy", instrument: "EURUSD" }))
          .statusCode,
      ).toBe(201);
    });

    it("stops working when the producer is revoked; only admins issue URLs", async () => {
      const { path, admin, producer } = await producerWithUrl();
      await ctx().app.inject({
        method: "DELETE",
        url: `/api/v1/admin/producers/${producer.id}`,
        headers: admin.headers,
      });
      expect((await alert(path, { action: "buy", instrument: "EURUSD" })).statusCode).toBe(404);
      const user = await createUser(ctx().deps);
      const res = await ctx().app.inject({
        method: "POST",
        url: `/api/v1/admin/producers/${producer.id}/alert-url`,
        headers: user.headers,
      });
      expect(res.statusCode).toBe(403);
      const unknown = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/admin/producers/pro_unknown/alert-url",
        headers: admin.headers,
      });
      expect(unknown.statusCode).toBe(404);
    });
  });
});
