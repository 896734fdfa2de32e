import { createRequire } from "node:module";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Deps } from "./deps";
import { affiliatesAdminRoutes } from "./modules/affiliates/affiliates.admin.routes";
import { landingRoutes } from "./modules/affiliates/affiliates.landing";
import { affiliatesRoutes } from "./modules/affiliates/affiliates.routes";
import { authRoutes } from "./modules/auth/auth.routes";
import { catalogRoutes } from "./modules/catalog/catalog.routes";
import { channelsRoutes } from "./modules/channels/channels.routes";
import { SESSION_COOKIE } from "./modules/console/console.models";
import { consolePages } from "./modules/console/console.pages";
import { consoleRoutes } from "./modules/console/console.routes";
import { emptyPollAnswerer } from "./modules/delivery/delivery.empty-poll";
import { deliveryRoutes } from "./modules/delivery/delivery.routes";
import { devicesRoutes } from "./modules/devices/devices.routes";
import { entitlementsRoutes } from "./modules/entitlements/entitlements.routes";
import { executionsRoutes } from "./modules/executions/executions.routes";
import { ordersRoutes } from "./modules/orders/orders.routes";
import { checkoutPages } from "./modules/payments/checkout.pages";
import { checkoutRoutes, paymentsAdminRoutes, stripeWebhookRoutes } from "./modules/payments/payments.routes";
import { couponsRoutes } from "./modules/pricing/coupons.routes";
import { quoteAnswers } from "./modules/pricing/pricing.quote-answers";
import { pricingRoutes } from "./modules/pricing/pricing.routes";
import { alertRoutes } from "./modules/producers/producers.alerts.routes";
import { producersRoutes } from "./modules/producers/producers.routes";
import { signalsRoutes } from "./modules/signals/signals.routes";
import { subscriptionsRoutes } from "./modules/subscriptions/subscriptions.routes";
import { telegramRoutes } from "./modules/telegram/telegram.routes";
import { trackRecordRoutes } from "./modules/track-record/track-record.routes";
import { usersAdminRoutes } from "./modules/users/users.admin.routes";
import { usersRoutes } from "./modules/users/users.routes";
import { docsPage, registerApiDocument } from "./shared/http/api-docs";
import { answerBeforeRouting, earlyAnswersOpen } from "./shared/http/before-routing";
import { createMethodIndex } from "./shared/http/methods";
import { createOpenApiCompleter } from "./shared/http/openapi";
import { opsRoutes } from "./shared/http/ops.routes";
import { registerOverloadGuard } from "./shared/http/overload";
import { errorHandler, frameworkErrorHandler, notFoundHandler } from "./shared/http/problem";
import { registerRateLimits } from "./shared/http/rate-limits";
import { requestIdOf } from "./shared/http/request-id";
import {
  PagePolicies,
  registerSecurityHeaders,
  routePolicyHeaders,
  SIGNED_POLL_POLICY,
} from "./shared/http/security-headers";
import { requestLoggerFactory } from "./shared/logger";

export const DEFAULT_BODY_LIMIT = 64 * 1024;

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]
>;

/**
 * Fastify's own compilers (Ajv, fast-json-stringify), required only if something asks for them.
 * Fastify requires both whenever an instance is created, a quarter of a second of a cold start;
 * here every route compiles with zod (set right after), so they are normally never loaded.
 */
function lazyFastifyCompilers(): CompilersFactory {
  const fromFastify = createRequire(createRequire(import.meta.url).resolve("fastify"));
  type Builder = (externalSchemas: unknown, options: unknown) => unknown;
  const lazy = (module: string): Builder => {
    let build: Builder | undefined;
    return (externalSchemas, options) => {
      build ??= (fromFastify(module) as () => Builder)();
      return build(externalSchemas, options);
    };
  };
  return {
    buildValidator: lazy("@fastify/ajv-compiler"),
    buildSerializer: lazy("@fastify/fast-json-stringify-compiler"),
  } as unknown as CompilersFactory;
}

/** Builds the HTTP app around ready dependencies; never listens (main.ts and tests do). */
export async function buildApp(deps: Deps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // request.log is made only when written to at an enabled level (shared/logger.ts).
    childLoggerFactory: requestLoggerFactory as unknown as FastifyServerOptions["childLoggerFactory"],
    bodyLimit: DEFAULT_BODY_LIMIT,
    // Behind a reverse proxy, request.ip (the anonymous rate-limit key) is the client's address
    // from X-Forwarded-For only for the proxies TRUST_PROXY names; otherwise the socket's.
    trustProxy: deps.config.trustProxy as FastifyServerOptions["trustProxy"],
    genReqId: (req) => requestIdOf(req.headers),
    frameworkErrors: frameworkErrorHandler,
    return503OnClosing: true,
    // A client must send its headers, then its whole request, in bounded time (a body trickled a
    // byte at a time is answered 408 and closed), and an idle socket is closed after a while
    // longer than the longest poll (30 s). Node checks these every second, not every 30 s.
    requestTimeout: deps.config.http.requestTimeoutMs,
    connectionTimeout: deps.config.http.connectionTimeoutMs,
    http: { headersTimeout: deps.config.http.headersTimeoutMs, connectionsCheckingInterval: 1_000 },
    forceCloseConnections: "idle",
    schemaController: { compilersFactory: lazyFastifyCompilers() },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  const methods = createMethodIndex();
  app.addHook("onRoute", methods.onRoute);
  app.setNotFoundHandler(notFoundHandler(methods));

  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    done();
  });
  const https = deps.config.publicUrl.startsWith("https:");
  await registerSecurityHeaders(app, { https });
  // Before the rate limits and everything else: a shed request costs next to nothing.
  await registerOverloadGuard(app, { limits: deps.config.overload, metrics: deps.metrics });
  const memoryRateLimit = await registerRateLimits(app, {
    budgets: deps.config.rateLimit,
    redis: deps.redis,
    keyPrefix: deps.config.redisKeyPrefix,
    sessionCookie: SESSION_COOKIE,
  });

  // The hottest answers that repeat the same bytes are written before routing when nothing is
  // shared through Redis (shared/http/before-routing.ts): the signed empty poll, and an
  // anonymous quote asked before (not behind a proxy, whose forwarded address is the one counted).
  const early = memoryRateLimit && earlyAnswersOpen(app, deps.logger);
  const quotes =
    early && deps.config.trustProxy === false
      ? quoteAnswers({
          ...deps,
          limits: memoryRateLimit,
          securityHeaders: routePolicyHeaders({}, { https }),
          open: early,
        })
      : undefined;

  // Callback hooks, not async ones: an async hook costs a promise and a microtask per request.
  app.addHook("onResponse", (request, reply, done) => {
    const route = request.routeOptions.url ?? "unmatched";
    deps.metrics.http.record(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  // Security and problem responses are completed from each route's guards and shape.
  const openapi = createOpenApiCompleter();
  app.addHook("onRoute", openapi.onRoute);
  // @fastify/swagger's document, built at the first request of /openapi.json or /docs, not on
  // every start (shared/http/api-docs.ts).
  registerApiDocument(app, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "signaldesk",
        version: "1.1",
        description:
          "Trading-signal subscriptions on Telegram: plans and payments, devices (MetaTrader 5 Expert Advisors) polling signed, affiliates and the operator's admin API. Errors are application/problem+json with a stable `code`.",
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => openapi.complete(jsonSchemaTransformObject(input) as never),
  });
  // The docs page and its assets carry the docs policy of security-headers.ts, named by an onRoute
  // hook of their scope.
  await app.register(async (docs) => {
    docs.addHook("onRoute", (route) => {
      route.config = { ...route.config, helmet: PagePolicies.docs } as typeof route.config;
    });
    await docs.register(
      docsPage({
        document: () => app.swagger(),
        // No validator badge: it is an image from validator.swagger.io.
        uiConfig: { docExpansion: "list", validatorUrl: null },
      }),
      { prefix: "/docs" },
    );
  });
  app.get("/openapi.json", { config: { rateLimit: false }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  await app.register(opsRoutes(deps));
  await app.register(
    authRoutes({
      botToken: deps.config.telegram.botToken,
      initDataMaxAgeSeconds: deps.config.initDataMaxAgeSeconds,
      ...deps,
    }),
  );
  await app.register(usersRoutes(deps));
  await app.register(usersAdminRoutes(deps));
  await app.register(catalogRoutes(deps));
  await app.register(entitlementsRoutes(deps));
  await app.register(pricingRoutes({ ...deps, onAnonymousQuote: quotes?.remember }));
  await app.register(couponsRoutes(deps));
  await app.register(devicesRoutes(deps));
  await app.register(producersRoutes(deps));
  await app.register(alertRoutes(deps));
  await app.register(signalsRoutes(deps));
  await app.register(trackRecordRoutes(deps));
  await app.register(executionsRoutes(deps));
  await app.register(deliveryRoutes({ ...deps, polls: deps.devicePolls }));
  await app.register(ordersRoutes(deps));
  await app.register(checkoutRoutes(deps));
  await app.register(stripeWebhookRoutes(deps));
  await app.register(paymentsAdminRoutes(deps));
  await app.register(subscriptionsRoutes(deps));
  const botUsername = () => deps.config.telegram.botUsername;
  await app.register(checkoutPages({ ...deps, pageSecret: deps.config.jwtSecret, botUsername }));
  await app.register(landingRoutes({ ...deps, botUsername }));
  await app.register(affiliatesRoutes(deps));
  await app.register(channelsRoutes(deps));
  await app.register(affiliatesAdminRoutes(deps));
  await app.register(consoleRoutes({ ...deps, botEnabled: deps.telegram !== undefined }));
  await app.register(consolePages({ ...deps, adminTelegramIds: deps.config.adminTelegramIds }));
  await app.register(
    telegramRoutes({ telegram: deps.telegram, webhookSecret: deps.config.telegram.webhookSecret }),
  );

  if (early) {
    const poll = emptyPollAnswerer({
      ...deps,
      limits: memoryRateLimit,
      securityHeaders: routePolicyHeaders(SIGNED_POLL_POLICY, { https }),
      polls: deps.devicePolls,
      open: early,
    });
    answerBeforeRouting(app, quotes ? [poll, quotes.answer] : [poll]);
  }

  return app;
}
