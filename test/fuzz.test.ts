import fc from "fast-check";
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedHeaders } from "../src/shared/signing";
import { FakeStripe, signedWebhook, stripeEvent } from "./fakes/stripe";
import { FakeTelegramApi } from "./fakes/telegram-api";
import { createTestApp, type TestApp } from "./support/app";
import { TEST_BOT_TOKEN, TEST_WEBHOOK_SECRET } from "./support/config";
import { resetDatabase, testDatabase } from "./support/db";
import {
  encodePart,
  fromSchema,
  headerText,
  type JsonSchema,
  nastyValue,
  rawBody,
  resolve,
} from "./support/fuzz";
import { fillPath, type RouteKey, splitRoute } from "./support/routes";
import type { Signer } from "./support/signed";
import { buildWorld, tableDigests, type World } from "./support/world";

/** Bounded for a 2-core machine: about 20 requests per route by default. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

interface Operation {
  parameters?: { in: string; name: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

type Request = InjectOptions & { headers: Record<string, string>; url: string };

const stripe = await new FakeStripe().start();
const telegramApi = await new FakeTelegramApi().start();

const chat = fc.record({
  id: fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }), nastyValue),
  type: fc.constant("private"),
});
const from = fc.record({
  id: fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }), nastyValue),
  is_bot: fc.boolean(),
  first_name: fc.oneof(fc.string({ maxLength: 20 }), nastyValue),
  username: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
});
/** Update-shaped bodies (half the time), so the bot's intake sees more than junk. */
const telegramUpdate = fc.option(
  fc.record(
    {
      update_id: fc.oneof(fc.nat(), nastyValue),
      message: fc.record({
        message_id: fc.nat(),
        date: fc.nat(),
        chat,
        from,
        text: fc.oneof(
          fc.constantFrom("/start", "/start ref_x", "/help", "/buy", "/devices", "/signals", "hi"),
          nastyValue,
        ),
      }),
      callback_query: fc.record({
        id: fc.string(),
        from,
        data: fc.oneof(fc.string({ maxLength: 64 }), nastyValue),
      }),
    },
    { requiredKeys: ["update_id"] },
  ),
  { nil: undefined },
);

describe("fuzzing every route in /openapi.json", () => {
  let t: TestApp;
  let world: World;
  let doc: OpenApi;

  beforeAll(async () => {
    await resetDatabase(await testDatabase());
    t = await createTestApp({
      env: {
        ...stripe.env(),
        RATE_LIMIT_IP_PER_MINUTE: "1000000",
        RATE_LIMIT_USER_PER_MINUTE: "1000000",
        TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
        TELEGRAM_MODE: "webhook",
        TELEGRAM_BOT_USERNAME: "signaldesk_fuzz_bot",
        TELEGRAM_API_ROOT: telegramApi.url,
      },
    });
    world = await buildWorld(t);
    doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json();
  });
  afterAll(async () => {
    await t?.close();
    await stripe.stop();
    await telegramApi.stop();
  });

  const isSignedByDevice = (path: string) => path.startsWith("/api/v1/device/");

  function requestFor(route: RouteKey, op: Operation): fc.Arbitrary<Request> {
    const { method, path } = splitRoute(route);
    const components = doc.components?.schemas ?? {};
    const ids = [...Object.values(world.ids), world.alice.userId, world.bob.userId, world.producer.id];
    const params = op.parameters ?? [];
    const pathParams = params.filter((p) => p.in === "path");
    const queryParams = params.filter((p) => p.in === "query");
    const bodySchema = op.requestBody?.content?.["application/json"]?.schema;

    const pathValue = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...ids) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom("a".repeat(300), "..", " ", "null", "0", "-1", "ord_", "%", "\u0000"),
      },
    );
    const queryValue = (schema?: JsonSchema) =>
      fc.oneof(
        fromSchema(schema, components, ids).map((v) =>
          typeof v === "object" ? JSON.stringify(v) : String(v),
        ),
        nastyValue.map((v) => (typeof v === "string" ? v : (JSON.stringify(v) ?? ""))),
      );
    // A parked long poll would hold the run for its full wait, so the poll is fuzzed with wait=0 or invalid.
    const queryFor = (p: { name: string; schema?: JsonSchema }) =>
      p.name === "wait"
        ? fc.constantFrom("0", "-1", "31", "1.5", "abc", "", "1e3", "0x1")
        : queryValue(p.schema);
    const query = fc
      .tuple(
        fc.tuple(...queryParams.map((p) => fc.option(queryFor(p).map((v) => [p.name, v] as const)))),
        fc.array(fc.tuple(fc.constantFrom("limit", "cursor", "x", "wait", "__proto__"), queryValue()), {
          maxLength: 2,
        }),
        fc.constantFrom("", "", "", "&%ZZ=1", "&a[b]=1", "&=&&"),
      )
      .map(([known, extra, raw]) => {
        const pairs = [...known.filter((p) => p !== null), ...extra];
        const text = pairs.map(([k, v]) => `${encodePart(k)}=${encodePart(v)}`).join("&") + raw;
        return text ? `?${text}` : "";
      });

    const body = fc.oneof(
      {
        weight: 4,
        arbitrary: fromSchema(bodySchema ?? { type: "object" }, components, ids).map((v) =>
          JSON.stringify(v),
        ),
      },
      { weight: 1, arbitrary: nastyValue.map((v) => JSON.stringify(v) ?? "") },
      { weight: 1, arbitrary: rawBody },
    );
    const tokens = [world.alice.headers.authorization!, world.bob.headers.authorization!];
    const authorization = fc.oneof(
      { weight: 1, arbitrary: fc.constantFrom(...tokens) },
      { weight: 1, arbitrary: fc.constant(world.admin.headers.authorization!) },
      { weight: 1, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.oneof(
          fc.constantFrom("Bearer", "Bearer ", "Bearer a.b.c", "Basic Zm9v", "bearer x", "Bearer \t"),
          fc.constantFrom(...tokens).map((h) => `${h.slice(0, -2)}xx`),
          fc.constantFrom(...tokens).map((h) => h.slice(7)),
          headerText(300).map((s) => `Bearer ${s}`),
        ),
      },
    );
    const idempotencyKey = fc.option(
      fc.oneof(fc.constantFrom("", "k", "k".repeat(255), "k".repeat(256), "k".repeat(4000)), headerText(300)),
      { freq: 2 },
    );
    const contentType = fc.constantFrom(
      "application/json",
      "application/json",
      "application/json; charset=utf-8",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/json; charset=latin1",
      "application/problem+json",
      undefined,
    );

    return fc
      .record({
        values: fc.array(pathValue, { minLength: pathParams.length, maxLength: pathParams.length }),
        query,
        body,
        authorization,
        idempotencyKey,
        contentType,
        requestId: fc.option(headerText(200)),
        signing: signingFor(path),
      })
      .map((r) => {
        const url = fillPath(path, r.values) + r.query;
        const headers: Record<string, string> = {};
        if (r.authorization !== undefined) headers.authorization = r.authorization;
        if (r.idempotencyKey !== null) headers["idempotency-key"] = r.idempotencyKey;
        if (r.contentType) headers["content-type"] = r.contentType;
        if (r.requestId !== null) headers["x-request-id"] = r.requestId;
        const hasBody = method !== "GET";
        const sent = { method, url, body: hasBody ? r.body : "" };
        Object.assign(headers, r.signing(sent));
        return { method: method as "GET", url, headers, ...(hasBody ? { payload: sent.body } : {}) };
      });
  }

  type Sign = (req: { method: string; url: string; body: string }) => Record<string, string>;

  /** Signed routes: no signature, a good one, or a good one spoiled in one way. */
  function signingFor(path: string): fc.Arbitrary<Sign> {
    const signer: Signer | null = isSignedByDevice(path)
      ? world.device
      : path === "/api/v1/signals"
        ? world.producer
        : null;
    if (path === "/api/v1/webhooks/stripe") return stripeSigning();
    if (path === "/telegram/webhook") {
      const secrets = [
        TEST_WEBHOOK_SECRET,
        TEST_WEBHOOK_SECRET,
        "wrong",
        "",
        `${TEST_WEBHOOK_SECRET} `,
        null,
      ];
      return fc.tuple(fc.constantFrom(...secrets), telegramUpdate).map(
        ([secret, update]): Sign =>
          (req) => {
            if (update !== undefined) req.body = JSON.stringify(update);
            const headers: Record<string, string> = {};
            if (secret !== null) headers["x-telegram-bot-api-secret-token"] = secret;
            return headers;
          },
      );
    }
    if (!signer) return fc.constant(() => ({}));
    const idHeader = signer.idHeader ?? "x-device-id";
    const spoil = fc.constantFrom<[string, (h: Record<string, string>) => Record<string, string>]>(
      ["good", (h) => h],
      ["good", (h) => h],
      ["none", () => ({})],
      ["no signature", ({ "x-signature": _, ...h }) => h],
      ["bad signature", (h) => ({ ...h, "x-signature": "0".repeat(64) })],
      ["uppercase signature", (h) => ({ ...h, "x-signature": h["x-signature"]!.toUpperCase() })],
      ["old timestamp", (h) => ({ ...h, "x-timestamp": String(Number(h["x-timestamp"]) - 301) })],
      ["future timestamp", (h) => ({ ...h, "x-timestamp": "99999999999999999999" })],
      ["fractional timestamp", (h) => ({ ...h, "x-timestamp": `${h["x-timestamp"]}.5` })],
      ["short nonce", (h) => ({ ...h, "x-nonce": "abc" })],
      ["long nonce", (h) => ({ ...h, "x-nonce": "n".repeat(65) })],
      ["odd nonce", (h) => ({ ...h, "x-nonce": "nonce with spaces!!" })],
      ["unknown id", (h) => ({ ...h, [idHeader]: "dev_nobody_0000" })],
      ["huge id", (h) => ({ ...h, [idHeader]: "i".repeat(5000) })],
    );
    return fc.tuple(spoil, fc.boolean()).map(([[, change], replay]) => (req) => {
      const headers = signedHeaders(signer.secret, {
        id: signer.id,
        idHeader,
        method: req.method,
        pathWithQuery: req.url,
        body: req.body,
        now: t.clock.now(),
        // A fixed nonce: the first use is fresh, every later one a replay.
        nonce: replay ? "fuzz-replayed-nonce-0001" : undefined,
      }) as Record<string, string>;
      return change(headers);
    });
  }

  function stripeSigning(): fc.Arbitrary<Sign> {
    const object = fc.record({
      id: fc.oneof(fc.constant("cs_fuzz"), fc.string({ maxLength: 20 })),
      client_reference_id: fc.oneof(fc.constant(world.ids.order), nastyValue),
      metadata: fc.oneof(
        fc.record({ orderId: fc.oneof(fc.constant(world.ids.order), nastyValue) }),
        nastyValue,
      ),
      payment_status: fc.oneof(fc.constantFrom("paid", "unpaid"), nastyValue),
      amount_total: fc.oneof(fc.integer(), nastyValue),
      amount_refunded: fc.oneof(fc.integer(), nastyValue),
      amount: fc.oneof(fc.integer(), nastyValue),
      currency: fc.oneof(fc.constantFrom("gbp", "usd"), nastyValue),
      payment_intent: fc.oneof(fc.string({ maxLength: 10 }), nastyValue),
      refunded: fc.oneof(fc.boolean(), nastyValue),
    });
    const type = fc.constantFrom(
      "checkout.session.completed",
      "checkout.session.async_payment_succeeded",
      "checkout.session.expired",
      "charge.refunded",
      "customer.created",
      "",
    );
    const mode = fc.constantFrom("signed event", "signed event", "garbage", "none", "stale", "wrong secret");
    return fc.tuple(mode, type, object, headerText(120)).map(([m, ty, obj, junk]) => (req) => {
      const now = Math.floor(t.clock.now().getTime() / 1000);
      if (m === "none") return {};
      if (m === "garbage") return { "stripe-signature": junk };
      const event = stripeEvent(ty, obj as never, now);
      const signed = signedWebhook(event, {
        timestamp: m === "stale" ? now - 301 : now,
        secret: m === "wrong secret" ? "whsec_wrong" : undefined,
      });
      // The request body becomes the signed event; the header signs exactly those bytes.
      req.body = signed.payload;
      return signed.headers;
    });
  }

  it("answers every request below 500, errors as problem+json, and refused requests change nothing", async () => {
    console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} to repeat)`);
    const routes = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops).map(([m, op]) => ({
        route: `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ":$1")}` as RouteKey,
        op: {
          ...op,
          parameters: op.parameters?.map((x) => ({
            ...x,
            schema: resolve(x.schema, doc.components?.schemas ?? {}),
          })),
        },
      })),
    );
    expect(routes.map((r) => r.route)).toEqual(
      expect.arrayContaining([
        "POST /telegram/webhook",
        "POST /api/v1/webhooks/stripe",
        "GET /api/v1/device/poll",
      ]),
    );
    const failures: string[] = [];
    for (const [index, { route, op }] of routes.entries()) {
      const result = await fc.check(
        fc.asyncProperty(requestFor(route, op), async (req) => {
          const before = await tableDigests(t);
          const res = await t.app.inject(req);
          // An accepted update is handled after the answer, and domain events run their listeners
          // after commit; wait for both, so their rows are not blamed on the next request.
          await t.deps.telegram?.intake.settled();
          await t.deps.events.settled();
          const id = String(res.headers["x-request-id"]);
          const cause =
            res.statusCode >= 500
              ? t.logs
                  .filter((l) => l.includes(id) && l.includes('"level":50'))
                  .join("\n")
                  .slice(0, 1500)
              : "";
          const where = `${req.method} ${req.url} → ${res.statusCode} ${res.body.slice(0, 300)} ${cause}`;
          expect(res.statusCode, where).toBeLessThan(500);
          if (res.statusCode < 400) return;
          expect(res.headers["content-type"], where).toContain("application/problem+json");
          const problem = res.json();
          expect(problem.status, where).toBe(res.statusCode);
          expect(typeof problem.code, where).toBe("string");
          const after = await tableDigests(t);
          // A refused request under an Idempotency-Key is remembered so a retry gets the same answer (API.md §0).
          if (req.headers["idempotency-key"] !== undefined) {
            delete before.idempotency_keys;
            delete after.idempotency_keys;
          }
          const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
          expect(changed, `tables changed by ${where}`).toEqual([]);
        }),
        { numRuns: RUNS, seed: SEED + index, endOnFailure: true },
      );
      if (result.failed) {
        const error =
          result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
        const example = JSON.stringify(result.counterexample)?.slice(0, 1500);
        failures.push(
          `${route} (FUZZ_SEED=${SEED}, run ${result.numRuns}): ${error.slice(0, 1500)}\n  request: ${example}`,
        );
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
