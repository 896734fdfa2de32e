import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import {
  affiliatesService,
  affiliateWithSales,
  createUser,
  freshHeaders,
} from "../../../test/support/factories";
import { DAY_MS } from "./affiliates.models";

describe("POST /api/v1/affiliates and GET /api/v1/affiliates/me", () => {
  const ctx = useTestApp({
    env: { PUBLIC_URL: "https://signals.example.com", TELEGRAM_BOT_USERNAME: "@DeskBot" },
  });

  describe("happy path", () => {
    it("registers the caller with a short unambiguous code, bronze tier and both links", async () => {
      const { headers } = await createUser(ctx().deps);
      const res = await ctx().app.inject({ method: "POST", url: "/api/v1/affiliates", headers });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body.code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
      expect(body).toEqual({
        code: body.code,
        tier: "bronze",
        rateBps: 1000,
        links: {
          web: `https://signals.example.com/?ref=${body.code}`,
          telegram: `https://t.me/DeskBot?start=ref_${body.code}`,
        },
        createdAt: ctx().clock.now().toISOString(),
      });
    });

    it("shows the affiliate with stats that start at zero", async () => {
      const { headers } = await createUser(ctx().deps);
      await ctx().app.inject({ method: "POST", url: "/api/v1/affiliates", headers });
      const res = await ctx().app.inject({ method: "GET", url: "/api/v1/affiliates/me", headers });
      expect(res.statusCode).toBe(200);
      expect(res.json().stats).toEqual({
        referrals: 0,
        visits: 0,
        conversions: 0,
        pendingMinor: 0,
        availableMinor: 0,
        paidMinor: 0,
        requestedMinor: 0,
        owedMinor: 0,
        currency: "GBP",
      });
    });

    it("counts referrals, conversions and every balance from the ledger", async () => {
      const { deps, clock, app } = ctx();
      const { user } = await affiliateWithSales(deps, 3);
      clock.advance(30 * DAY_MS);
      await deps.affiliates.requestPayout(user.id, 5012);
      await affiliateWithSales(deps, 1);
      const headers = await freshHeaders(deps, user.id);
      const res = await app.inject({ method: "GET", url: "/api/v1/affiliates/me", headers });
      expect(res.json().stats).toMatchObject({
        referrals: 3,
        conversions: 3,
        pendingMinor: 0,
        availableMinor: 3 * 2506,
        requestedMinor: 5012,
        paidMinor: 0,
      });
    });

    it("retries with a fresh code when a generated one is already taken", async () => {
      const { deps } = ctx();
      const codes = ["TAKEN222", "TAKEN222", "FRESH333"];
      const service = affiliatesService(deps, { newCode: () => codes.shift()! });
      const first = await service.register((await createUser(deps)).user.id);
      const second = await service.register((await createUser(deps)).user.id);
      expect([first.code, second.code]).toEqual(["TAKEN222", "FRESH333"]);
    });
  });

  describe("errors", () => {
    it("answers 409 affiliates.already_registered the second time, keeping the first code", async () => {
      const { headers } = await createUser(ctx().deps);
      const first = await ctx().app.inject({ method: "POST", url: "/api/v1/affiliates", headers });
      const again = await ctx().app.inject({ method: "POST", url: "/api/v1/affiliates", headers });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe("affiliates.already_registered");
      const me = await ctx().app.inject({ method: "GET", url: "/api/v1/affiliates/me", headers });
      expect(me.json().code).toBe(first.json().code);
    });

    it("lets exactly one of two simultaneous registrations through", async () => {
      const { headers } = await createUser(ctx().deps);
      const results = await Promise.all(
        [1, 2].map(() => ctx().app.inject({ method: "POST", url: "/api/v1/affiliates", headers })),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    });

    it("answers 404 affiliates.not_registered to a user who is not an affiliate", async () => {
      const { headers } = await createUser(ctx().deps);
      for (const url of [
        "/api/v1/affiliates/me",
        "/api/v1/affiliates/me/commissions",
        "/api/v1/affiliates/me/payouts",
      ]) {
        const res = await ctx().app.inject({ method: "GET", url, headers });
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe("affiliates.not_registered");
      }
    });
  });

  describe("security", () => {
    it("answers 401 without a token", async () => {
      for (const [method, url] of [
        ["POST", "/api/v1/affiliates"],
        ["GET", "/api/v1/affiliates/me"],
        ["GET", "/api/v1/affiliates/me/commissions"],
      ] as const) {
        const res = await ctx().app.inject({ method, url });
        expect(res.statusCode).toBe(401);
      }
    });

    it("shows each affiliate only their own figures", async () => {
      const { deps, app } = ctx();
      await affiliateWithSales(deps, 2);
      const other = await createUser(deps);
      await app.inject({ method: "POST", url: "/api/v1/affiliates", headers: other.headers });
      const res = await app.inject({ method: "GET", url: "/api/v1/affiliates/me", headers: other.headers });
      expect(res.json().stats).toMatchObject({ referrals: 0, pendingMinor: 0 });
      const list = await app.inject({
        method: "GET",
        url: "/api/v1/affiliates/me/commissions",
        headers: other.headers,
      });
      expect(list.json()).toEqual({ items: [], nextCursor: null });
    });
  });
});

describe("links without a known bot username", () => {
  const ctx = useTestApp();

  it("gives the web link and a null Telegram link rather than a broken t.me URL", async () => {
    const { headers } = await createUser(ctx().deps);
    const res = await ctx().app.inject({ method: "POST", url: "/api/v1/affiliates", headers });
    expect(res.json().links).toEqual({
      web: `http://localhost:3000/?ref=${res.json().code}`,
      telegram: null,
    });
  });
});

describe("GET /api/v1/affiliates/me/commissions", () => {
  const ctx = useTestApp();

  it("pages through the ledger newest first with an opaque cursor, without the referred users", async () => {
    const { deps, app } = ctx();
    const { headers, sales } = await affiliateWithSales(deps, 5);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const res = await app.inject({
        method: "GET",
        url: `/api/v1/affiliates/me/commissions${query}`,
        headers,
      });
      expect(res.statusCode).toBe(200);
      const page = res.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const item of page.items) {
        expect(Object.keys(item).sort()).toEqual([
          "amountMinor",
          "availableAt",
          "createdAt",
          "currency",
          "id",
          "kind",
          "orderId",
          "rateBps",
          "status",
          "tier",
        ]);
        seen.push(item.orderId);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(sales.map((s) => s.id).reverse());
  });

  it("answers 400 for a limit outside 1..100 or a cursor it did not issue", async () => {
    const { deps, app } = ctx();
    const { headers } = await affiliateWithSales(deps, 0);
    for (const query of ["limit=0", "limit=101", "limit=abc", "cursor=not-a-cursor"]) {
      const res = await app.inject({
        method: "GET",
        url: `/api/v1/affiliates/me/commissions?${query}`,
        headers,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe("request.invalid");
    }
  });
});

describe("the OpenAPI document", () => {
  const ctx = useTestApp();

  it("lists every affiliate route", async () => {
    const res = await ctx().app.inject({ method: "GET", url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/api/v1/affiliates",
        "/api/v1/affiliates/me",
        "/api/v1/affiliates/me/commissions",
        "/api/v1/affiliates/me/payouts",
        "/api/v1/affiliates/me/payouts/{id}",
        "/api/v1/admin/payouts",
        "/api/v1/admin/payouts/{id}/complete",
        "/api/v1/admin/payouts/{id}/reject",
        "/api/v1/admin/affiliates/flags",
        "/api/v1/admin/affiliates/flags/{id}/clear",
        "/api/v1/admin/affiliates/flags/{id}/confirm",
      ]),
    );
  });
});
