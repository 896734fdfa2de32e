import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { CommonErrors } from "../../shared/errors";
import type { RateLimiter } from "../../shared/rate-limit";
import { perMinute } from "../../shared/rate-limit";
import { currentUser, type Guards } from "../auth/auth.guards";
import type { PositionsService } from "../signals/signals.positions";
import { PublishBody, SignalSchema, SignalUpdateSchema, UpdateBody } from "../signals/signals.schemas";
import type { SignalsService } from "../signals/signals.service";
import { ALERT_PATH, type AlertUrlsService } from "./producers.alerts";
import { ProducerErrors } from "./producers.errors";

/** API.md §10.1: alert bodies are at most 8 KiB. */
export const ALERT_BODY_LIMIT = 8 * 1024;
/** Per token: a strategy firing in a loop must not flood subscribers' terminals. */
export const ALERT_RATE = perMinute(30);

const AlertBody = z.looseObject({
  action: z.enum(["buy", "sell", "close", "close_partial", "modify"]),
  // TradingView's {{ticker}} may carry an exchange prefix ("FX:EURUSD") and lower case.
  instrument: z
    .string()
    .max(40)
    .transform((v) => v.replace(/^[A-Za-z0-9_]+:/, "").toUpperCase())
    .nullish(),
  ref: z.string().min(1).max(128).nullish(),
});

const problemsOf = (error: z.ZodError) =>
  error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw CommonErrors.invalid("The alert is not valid", { errors: problemsOf(result.error) });
  return result.data;
}

/**
 * Alert webhooks (API.md §10.1): the admin issues a producer a secret URL; a POST to it with a
 * JSON alert (sent as application/json or text/plain, as TradingView does) publishes a signal
 * or manages one, as that producer.
 */
export function alertRoutes(deps: {
  alertUrls: AlertUrlsService;
  signals: Pick<SignalsService, "publish">;
  positions: Pick<PositionsService, "update" | "positionFor">;
  rateLimiter: RateLimiter;
  guards: Guards;
}): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      "/api/v1/admin/producers/:id/alert-url",
      {
        onRequest: deps.guards.requireAdmin,
        schema: {
          summary: "Issue an alert webhook URL",
          description:
            "A secret URL for tools that cannot sign (TradingView); shown once, calling again replaces it.",
          tags: ["admin: producers"],
          params: z.object({ id: z.string().min(1).max(64) }),
          response: { 201: z.object({ url: z.string() }) },
        },
      },
      async (req, reply) => {
        const issued = await deps.alertUrls.issue({ kind: "admin", id: currentUser(req).id }, req.params.id);
        return reply.code(201).send(issued);
      },
    );

    // TradingView posts a message that is not strictly JSON as text/plain; we require JSON either way.
    app.addContentTypeParser("text/plain", { parseAs: "string" }, (_req, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(CommonErrors.invalid("The alert body must be a JSON object"), undefined);
      }
    });

    app.post(
      `${ALERT_PATH}:token`,
      {
        bodyLimit: ALERT_BODY_LIMIT,
        config: { problems: [409] },
        schema: {
          tags: ["alerts"],
          summary: "Receive a trading alert",
          description:
            "For tools that cannot sign (TradingView): the secret token in the URL stands for the producer. buy/sell publish a signal, close/close_partial/modify update the producer's signal named by ref (or its latest open one for the instrument). JSON sent as application/json or text/plain. 404 for an unknown or replaced token; 409 as for publishing and updates.",
          params: z.object({ token: z.string().min(1).max(128) }),
          body: z.unknown(),
          response: {
            200: z.union([SignalSchema, SignalUpdateSchema]),
            201: z.union([SignalSchema, SignalUpdateSchema]),
          },
        },
      },
      async (req, reply) => {
        const producer = await deps.alertUrls.producerFor(req.params.token);
        if (!producer) throw ProducerErrors.alertUrlNotFound();
        const decision = await deps.rateLimiter.take(`alert:${producer.tokenHash}`, ALERT_RATE);
        if (!decision.allowed) {
          throw CommonErrors.rateLimited("Too many alerts for this URL", {
            headers: { "retry-after": String(decision.retryAfterSeconds) },
          });
        }
        const body = req.body;
        if (typeof body !== "object" || body === null || Array.isArray(body)) {
          throw CommonErrors.invalid("The alert body must be a JSON object");
        }
        const alert = parse(AlertBody, body);
        const publisher = { kind: "producer" as const, producerId: producer.id };
        if (alert.action === "buy" || alert.action === "sell") {
          const input = parse(PublishBody, {
            ...body,
            instrument: alert.instrument,
            side: alert.action,
            orderType: (body as { orderType?: unknown }).orderType ?? "market",
          });
          const { signal, created } = await deps.signals.publish(publisher, input);
          return reply.code(created ? 201 : 200).send(signal);
        }
        const input = parse(UpdateBody, body);
        const signalId = await deps.positions.positionFor(
          publisher,
          alert.instrument ?? null,
          alert.ref ?? null,
        );
        const { update, created } = await deps.positions.update(publisher, signalId, input);
        return reply.code(created ? 201 : 200).send(update);
      },
    );
  };
}
