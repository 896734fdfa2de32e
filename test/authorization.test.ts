import type { LightMyRequestResponse } from "fastify";
import { beforeEach, describe, expect, it } from "vitest";
import { useTestApp } from "./support/app";
import { TEST_BOT_TOKEN } from "./support/config";
import { appRoutes, fillPath, openApiRoutes, type RouteKey, splitRoute } from "./support/routes";
import { signRequestFor } from "./support/signed";
import { buildWorld, tableDigests, type World } from "./support/world";

type Owned = "order" | "device" | "signal" | "payout";

/** What a route demands of its caller. Every route the app serves must be listed here. */
type Access =
  | { kind: "public" }
  | { kind: "page" }
  | { kind: "console-login" }
  | { kind: "sign-in" }
  | { kind: "user" }
  | { kind: "owned"; resource: Owned; body?: object }
  | { kind: "admin" }
  | { kind: "device-signed" }
  | { kind: "producer-or-admin" }
  | { kind: "telegram-webhook" }
  | { kind: "stripe-webhook" };

const pub = { kind: "public" } as const;
const user = { kind: "user" } as const;
const admin = { kind: "admin" } as const;
const signed = { kind: "device-signed" } as const;
const owned = (resource: Owned, body?: object) => ({ kind: "owned", resource, body }) as const;

const ACCESS: Record<string, Access> = {
  "GET /docs": pub,
  "GET /docs/": pub,
  "GET /docs/*": pub,
  "GET /docs/json": pub,
  "GET /docs/yaml": pub,
  "GET /docs/static/index.html": pub,
  "GET /docs/static/swagger-initializer.js": pub,
  "GET /openapi.json": pub,
  "GET /healthz": pub,
  "GET /readyz": pub,
  "GET /metrics": pub,
  "GET /api/v1/catalog": pub,
  "GET /api/v1/quotes": pub,
  "GET /api/v1/track-record": pub,
  // The token in the path is the credential: an unknown one is 404, like any unknown resource.
  "POST /api/v1/hooks/alerts/:token": pub,
  "POST /api/v1/auth/telegram": { kind: "sign-in" },
  "GET /console": { kind: "page" },
  "GET /console/:page": { kind: "page" },
  "GET /console/:page/:id": { kind: "page" },
  "GET /app": { kind: "page" },
  "GET /app/:page": { kind: "page" },
  "GET /assets/:file": pub,
  // The affiliate web link and the checkout return pages: the order pages' key is in the URL.
  "GET /": pub,
  "GET /checkout/success": pub,
  "GET /checkout/cancel": pub,
  "GET /checkout/state": pub,
  "GET /console/login": { kind: "console-login" },
  "GET /api/v1/console/session": user,
  "POST /api/v1/console/logout": user,

  "GET /api/v1/me": user,
  "PATCH /api/v1/me": user,
  "GET /api/v1/me/entitlements": user,
  "POST /api/v1/me/trials": user,
  "GET /api/v1/me/subscriptions": user,
  "POST /api/v1/me/subscriptions/:id/cancel": user,
  "POST /api/v1/me/subscriptions/:id/resume": user,
  "POST /api/v1/me/billing-portal": user,
  "GET /api/v1/devices": user,
  "POST /api/v1/devices": user,
  "GET /api/v1/signals": user,
  "GET /api/v1/orders": user,
  "POST /api/v1/orders": user,
  "POST /api/v1/affiliates": user,
  "GET /api/v1/affiliates/me": user,
  "GET /api/v1/affiliates/me/commissions": user,
  "GET /api/v1/affiliates/me/payouts": user,
  "POST /api/v1/affiliates/me/payouts": user,

  "GET /api/v1/devices/:id": owned("device"),
  "PATCH /api/v1/devices/:id": owned("device", { name: "stolen" }),
  "DELETE /api/v1/devices/:id": owned("device"),
  "POST /api/v1/devices/:id/secret": owned("device"),
  "GET /api/v1/devices/:id/settings": owned("device"),
  "PUT /api/v1/devices/:id/settings": owned("device", {
    sizing: { mode: "fixed", value: 5 },
    maxLots: null,
    symbolMap: {},
    symbolSuffix: "",
    maxSlippagePoints: 30,
    maxEntryDeviationPct: null,
    paused: true,
  }),
  "GET /api/v1/signals/:id": owned("signal"),
  "POST /api/v1/signals/:id/decision": owned("signal", { decision: "reject" }),
  "GET /api/v1/signals/:id/executions": owned("signal"),
  "GET /api/v1/orders/:id": owned("order"),
  "POST /api/v1/orders/:id/cancel": owned("order"),
  "POST /api/v1/orders/:id/checkout": owned("order", { provider: "stripe" }),
  "GET /api/v1/affiliates/me/payouts/:id": owned("payout"),

  "POST /api/v1/signals": { kind: "producer-or-admin" },
  "POST /api/v1/signals/:id/updates": { kind: "producer-or-admin" },
  "POST /api/v1/signals/:id/cancel": admin,
  "POST /api/v1/admin/catalog/categories": admin,
  "PATCH /api/v1/admin/catalog/categories/:id": admin,
  "DELETE /api/v1/admin/catalog/categories/:id": admin,
  "POST /api/v1/admin/catalog/products": admin,
  "PATCH /api/v1/admin/catalog/products/:id": admin,
  "DELETE /api/v1/admin/catalog/products/:id": admin,
  "POST /api/v1/admin/catalog/tiers": admin,
  "PATCH /api/v1/admin/catalog/tiers/:id": admin,
  "DELETE /api/v1/admin/catalog/tiers/:id": admin,
  "POST /api/v1/admin/users/:userId/entitlements": admin,
  "DELETE /api/v1/admin/entitlements/:id": admin,
  "GET /api/v1/admin/users/:userId/attribution": admin,
  "GET /api/v1/admin/users/:userId/devices": admin,
  "POST /api/v1/admin/users/:userId/disable": admin,
  "POST /api/v1/admin/users/:userId/enable": admin,
  "GET /api/v1/admin/channels": admin,
  "POST /api/v1/admin/channels": admin,
  "PATCH /api/v1/admin/channels/:id": admin,
  "DELETE /api/v1/admin/channels/:id": admin,
  "GET /api/v1/me/channels": user,
  "GET /api/v1/admin/producers": admin,
  "POST /api/v1/admin/producers": admin,
  "DELETE /api/v1/admin/producers/:id": admin,
  "GET /api/v1/admin/coupons": admin,
  "POST /api/v1/admin/coupons": admin,
  "DELETE /api/v1/admin/coupons/:code": admin,
  "POST /api/v1/admin/producers/:id/alert-url": admin,
  "GET /api/v1/admin/orders": admin,
  "POST /api/v1/admin/orders/:id/mark-paid": admin,
  "POST /api/v1/admin/orders/:id/refund": admin,
  "GET /api/v1/admin/payments/flagged": admin,
  "GET /api/v1/admin/payouts": admin,
  "POST /api/v1/admin/payouts/:id/approve": admin,
  "POST /api/v1/admin/payouts/:id/complete": admin,
  "POST /api/v1/admin/payouts/:id/reject": admin,
  "GET /api/v1/admin/affiliates/flags": admin,
  "POST /api/v1/admin/affiliates/flags/:id/clear": admin,
  "POST /api/v1/admin/affiliates/flags/:id/confirm": admin,
  "POST /api/v1/admin/console-links": admin,
  "GET /api/v1/admin/console/sessions": admin,
  "DELETE /api/v1/admin/console/sessions/:id": admin,
  "GET /api/v1/admin/stats": admin,
  "POST /api/v1/admin/broadcasts": admin,
  "GET /api/v1/admin/users": admin,
  "GET /api/v1/admin/users/:userId": admin,
  "GET /api/v1/admin/devices": admin,
  "GET /api/v1/admin/signals/:id/fanout": admin,

  "GET /api/v1/device/poll": signed,
  "POST /api/v1/device/ack": signed,
  "POST /api/v1/device/update-result": signed,
  "POST /api/v1/device/fill": signed,
  "POST /api/v1/device/error": signed,
  "POST /api/v1/device/trades": signed,
  "POST /api/v1/device/hello": signed,

  "POST /telegram/webhook": { kind: "telegram-webhook" },
  "POST /api/v1/webhooks/stripe": { kind: "stripe-webhook" },
};

const routesOf = (kind: Access["kind"]) =>
  Object.entries(ACCESS)
    .filter(([, access]) => access.kind === kind)
    .map(([route, access]) => ({ route: route as RouteKey, ...splitRoute(route as RouteKey), access }));

function expectProblem(res: LightMyRequestResponse, status: number, code?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toContain("application/problem+json");
  if (code) expect(res.json().code).toBe(code);
}

describe("the authorization matrix", () => {
  const ctx = useTestApp({
    env: {
      RATE_LIMIT_IP_PER_MINUTE: "1000000",
      RATE_LIMIT_USER_PER_MINUTE: "1000000",
      TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
      TELEGRAM_MODE: "off",
    },
  });

  const call = (method: string, url: string, headers: Record<string, string> = {}, payload?: object) =>
    ctx().app.inject({
      method: method as "GET",
      url,
      headers,
      ...(payload ? { payload } : method === "GET" || method === "DELETE" ? {} : { payload: {} }),
    });

  it("classifies exactly the routes the app serves, and the OpenAPI document lists no other", async () => {
    const served = appRoutes(ctx().app);
    expect(served.length).toBeGreaterThan(50);
    expect(served).toEqual(Object.keys(ACCESS).sort());
    const documented = await openApiRoutes(ctx().app);
    expect(documented.filter((r) => !served.includes(r))).toEqual([]);
    // Everything but the docs, the ops endpoints and the document itself is documented.
    const undocumented = served.filter((r) => !documented.includes(r));
    // …and the web pages (they are HTML, not API).
    expect(
      undocumented.filter(
        (r) =>
          !/^GET \/(docs|openapi\.json|healthz|readyz|metrics|console|app|assets|checkout\/(success|cancel))\b/.test(
            r,
          ) && r !== "GET /",
      ),
    ).toEqual([]);
  });

  it.each(routesOf("public"))("$route answers an anonymous caller", async ({ method, path }) => {
    const res = await call(method, fillPath(path, ["index.css"]));
    expect([401, 403]).not.toContain(res.statusCode);
    expect(res.statusCode).toBeLessThan(500);
  });

  it.each(routesOf("page"))(
    "$route is a page with a strict Content-Security-Policy for an anonymous caller",
    async ({ method, path }) => {
      const res = await call(method, fillPath(path, ["overview"]));
      // 503 only when the web pages were not built on this machine.
      expect([200, 503]).toContain(res.statusCode);
      expect(res.headers["content-type"]).toContain("text/html");
      const csp = String(res.headers["content-security-policy"]);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:\/\/(?!web\.telegram\.org)/);
    },
  );

  it("a console sign-in link that was never issued is a 401 page", async () => {
    for (const url of ["/console/login", "/console/login?token=forged"]) {
      const res = await call("GET", url);
      expect(res.statusCode).toBe(401);
      expect(res.headers["content-type"]).toContain("text/html");
      expect(res.headers["set-cookie"]).toBeUndefined();
    }
  });

  it("sign-in refuses forged initData with 401 auth.init_data_invalid", async () => {
    const res = await call(
      "POST",
      "/api/v1/auth/telegram",
      {},
      { initData: "user=%7B%7D&auth_date=1&hash=00" },
    );
    expectProblem(res, 401, "auth.init_data_invalid");
  });

  describe("routes for a signed-in user", () => {
    it.each([...routesOf("user"), ...routesOf("owned")])(
      "$route refuses an anonymous caller and a garbled token with 401",
      async ({ method, path }) => {
        const url = fillPath(path, ["ord_0000000000"]);
        expectProblem(await call(method, url), 401, "auth.unauthenticated");
        expectProblem(
          await call(method, url, { authorization: "Bearer not.a.jwt" }),
          401,
          "auth.unauthenticated",
        );
        expectProblem(
          await call(method, url, { authorization: "Basic Zm9vOmJhcg==" }),
          401,
          "auth.unauthenticated",
        );
      },
    );
  });

  describe("another user's resources", () => {
    let world: World;
    beforeEach(async () => {
      world = await buildWorld(ctx());
    });

    const readAsAlice = async () => {
      const urls = [
        `/api/v1/orders/${world.ids.order}`,
        `/api/v1/devices/${world.ids.device}`,
        `/api/v1/signals/${world.ids.signal}`,
        `/api/v1/signals/${world.ids.signal}/executions`,
        `/api/v1/affiliates/me/payouts/${world.ids.payout}`,
      ];
      const bodies = [];
      for (const url of urls) {
        const res = await call("GET", url, world.alice.headers);
        expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
        bodies.push(res.json());
      }
      return bodies;
    };

    it("are 404 to every id route for another user, and 401 anonymously; nothing changes", async () => {
      const before = await readAsAlice();
      const digests = await tableDigests(ctx());
      for (const { route, method, path, access } of routesOf("owned")) {
        if (access.kind !== "owned") continue;
        const url = fillPath(path, [world.ids[access.resource]]);
        const asBob = await call(method, url, world.bob.headers, access.body);
        expect(asBob.statusCode, `${route} as another user: ${asBob.body}`).toBe(404);
        expect(asBob.headers["content-type"]).toContain("application/problem+json");
        expect(asBob.body).not.toContain(world.alice.userId);
        expectProblem(await call(method, url, {}, access.body), 401, "auth.unauthenticated");
      }
      expect(await readAsAlice()).toEqual(before);
      expect(await tableDigests(ctx())).toEqual(digests);
    });

    it("never appear in another user's lists", async () => {
      const { order, device, signal, payout } = world.ids;
      const aliceIds = [world.alice.userId, order, device, payout, signal];
      for (const { route, method, path } of routesOf("user").filter((r) => r.method === "GET")) {
        const res = await call(method, path, world.bob.headers);
        for (const id of aliceIds) expect(res.body, `${route} shows ${id}`).not.toContain(id);
      }
    });

    it("admin routes refuse a plain user with 403 and an anonymous caller with 401; nothing changes", async () => {
      const digests = await tableDigests(ctx());
      const adminRoutes = [...routesOf("admin"), ...routesOf("producer-or-admin")];
      for (const { route, method, path } of adminRoutes) {
        const url = fillPath(path, [idFor(path, world)]);
        expectProblem(await call(method, url), 401, "auth.unauthenticated");
        const asUser = await call(method, url, world.alice.headers);
        expect(asUser.statusCode, `${route} as a plain user: ${asUser.body}`).toBe(403);
        expect(asUser.json().code).toBe("auth.admin_required");
      }
      expect(await tableDigests(ctx())).toEqual(digests);
      for (const { route, method, path } of adminRoutes.filter((r) => r.method === "GET")) {
        const asAdmin = await call(method, fillPath(path, [idFor(path, world)]), world.admin.headers);
        expect(asAdmin.statusCode, `${route} as admin: ${asAdmin.body}`).toBe(200);
      }
    });

    /** A console session cookie (and its CSRF token) for a user, as the sign-in link gives it. */
    async function consoleSessionOf(userId: string) {
      const { consoleSessions } = ctx().deps;
      const link = await consoleSessions.createLink(userId, "api");
      const token = new URL(link.url).searchParams.get("token")!;
      const { sessionToken, session } = await consoleSessions.redeem(token, {});
      return {
        id: session.id,
        cookie: { cookie: `sd_console=${sessionToken}` },
        csrf: { "x-csrf-token": consoleSessions.csrfTokenFor(sessionToken) },
      };
    }

    it("a non-admin's console session gets 403 on every admin route and page; nothing changes", async () => {
      const alice = await consoleSessionOf(world.alice.userId);
      const digests = await tableDigests(ctx());
      for (const { route, method, path } of routesOf("admin")) {
        const res = await call(method, fillPath(path, [idFor(path, world)]), {
          ...alice.cookie,
          ...alice.csrf,
        });
        expect(res.statusCode, `${route} with a user's session: ${res.body}`).toBe(403);
        expect(res.json().code).toBe("auth.admin_required");
      }
      for (const url of ["/console", "/console/users", "/console/signals/x"]) {
        const res = await call("GET", url, alice.cookie);
        expect(res.statusCode, url).toBe(403);
        expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
      }
      expect(await tableDigests(ctx())).toEqual(digests);
    });

    it("an admin's console session: reads work, writes without the CSRF token get 403; nothing changes", async () => {
      const admin = await consoleSessionOf(world.admin.userId);
      const digests = await tableDigests(ctx());
      const writes = [...routesOf("admin"), ...routesOf("user"), ...routesOf("owned")].filter(
        (r) => r.method !== "GET",
      );
      for (const { route, method, path } of writes) {
        const url = fillPath(path, [idFor(path, world)]);
        for (const headers of [admin.cookie, { ...admin.cookie, "x-csrf-token": "forged" }]) {
          const res = await call(method, url, headers);
          expect(res.statusCode, `${route} without CSRF: ${res.body}`).toBe(403);
          expect(res.json().code).toBe("auth.csrf_invalid");
        }
      }
      expect(await tableDigests(ctx())).toEqual(digests);
      for (const { route, method, path } of routesOf("admin").filter((r) => r.method === "GET")) {
        const res = await call(method, fillPath(path, [idFor(path, world)]), admin.cookie);
        expect(res.statusCode, `${route} with an admin's session: ${res.body}`).toBe(200);
      }
    });

    it("signed routes refuse unsigned, bearer-only and forged calls with 401 device_auth.rejected", async () => {
      const digests = await tableDigests(ctx());
      const cases = [
        ...routesOf("device-signed").map((r) => ({ ...r, signer: world.device })),
        ...routesOf("producer-or-admin").map((r) => ({ ...r, signer: world.producer })),
      ];
      for (const { method, path, signer } of cases) {
        const idHeader = signer.idHeader ?? "x-device-id";
        const body = method === "GET" ? undefined : { signalId: world.ids.signal };
        const signedCall = { method: method as "GET" | "POST", url: path, body };
        const good = signRequestFor(signer, signedCall, ctx().clock) as {
          body: string;
          headers: Record<string, string>;
        };
        const attempts: Record<string, string>[] = [
          { [idHeader]: signer.id },
          { ...world.alice.headers, [idHeader]: signer.id },
          { ...good.headers, "x-signature": "0".repeat(64) },
          { ...good.headers, "x-timestamp": String(Number(good.headers["x-timestamp"]) - 301) },
          { ...good.headers, [idHeader]: `${signer.id}x` },
          signRequestFor({ ...signer, secret: "not-the-secret" }, signedCall, ctx().clock).headers,
        ];
        if (idHeader === "x-device-id") attempts.push(world.alice.headers, {});
        for (const headers of attempts) {
          const res = await ctx().app.inject({
            method: method as "GET",
            url: path,
            headers,
            ...(body ? { payload: good.body } : {}),
          });
          expectProblem(res, 401, "device_auth.rejected");
        }
      }
      expect(await tableDigests(ctx())).toEqual(digests);
    });

    it("webhooks refuse callers without their secret or signature, and process nothing", async () => {
      const digests = await tableDigests(ctx());
      const update = { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 1, type: "private" } } };
      for (const secret of [undefined, "wrong", ""]) {
        const headers: Record<string, string> =
          secret === undefined ? {} : { "x-telegram-bot-api-secret-token": secret };
        expectProblem(await call("POST", "/telegram/webhook", headers, update), 401);
      }
      const event = { id: "evt_1", type: "checkout.session.completed", data: { object: {} } };
      for (const signature of [undefined, "t=1,v1=00"]) {
        const headers: Record<string, string> = signature ? { "stripe-signature": signature } : {};
        const res = await call("POST", "/api/v1/webhooks/stripe", headers, event);
        expect([400, 503]).toContain(res.statusCode);
        expect(res.headers["content-type"]).toContain("application/problem+json");
      }
      expect(await tableDigests(ctx())).toEqual(digests);
    });
  });
});

/** A real id of the right kind for an admin route, so a guard that ran late would do damage. */
function idFor(path: string, world: World): string {
  if (path.includes("/orders/")) return world.ids.order;
  if (path.includes("/payouts/")) return world.ids.payout;
  if (path.includes("/signals/")) return world.ids.signal;
  if (path.includes("/producers/")) return world.producer.id;
  if (path.includes("/entitlements/")) return world.ids.entitlement;
  if (path.includes("/tiers/")) return world.ids.tier;
  if (path.includes("/products/")) return world.ids.product;
  if (path.includes("/categories/")) return world.ids.category;
  if (path.includes("/console/sessions/")) return "css_0000000000";
  return world.alice.userId;
}
