import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { TelegramErrors } from "./telegram.errors";
import { looksLikeUpdate } from "./telegram.models";
import type { TelegramBot } from "./telegram.module";

declare module "fastify" {
  interface FastifyRequest {
    /** The webhook's body as it arrived (JSON text): what the update log stores. */
    updateText?: string;
  }
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Constant time whatever the lengths: both sides are hashed to 32 bytes before comparing. The
 * configured secret's hash is taken once (`expected` may be passed already hashed), not per update.
 */
export function secretMatches(given: string | string[] | undefined, expected: string | Buffer): boolean {
  if (typeof given !== "string") return false;
  return timingSafeEqual(digest(given), typeof expected === "string" ? digest(expected) : expected);
}

/** The acknowledgement's body, the same for every update. */
const OK_BODY = '{"ok":true}';

/** Updates are small; this leaves room for long captions and entity lists. */
const WEBHOOK_BODY_LIMIT = 256 * 1024;

export function telegramRoutes(deps: {
  telegram: TelegramBot | undefined;
  webhookSecret: string;
}): FastifyPluginAsyncZod {
  const expected = digest(deps.webhookSecret);
  return async (app) => {
    // In this scope (the webhook alone), a JSON body is parsed by Fastify's own parser with its
    // default prototype-poisoning rules, as everywhere, and its text is kept: the update log
    // stores it as is instead of JSON.stringify of the parsed copy (one serialisation fewer per
    // update; the column is jsonb, which parses and normalises either text alike). A leading BOM,
    // which the parser skips and jsonb would refuse, is not kept.
    const parseJson = app.getDefaultJsonParser("error", "error");
    app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
      const text = body as string;
      request.updateText = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
      parseJson(request, text, done);
    });
    app.post(
      "/telegram/webhook",
      {
        bodyLimit: WEBHOOK_BODY_LIMIT,
        // Telegram delivers from a handful of addresses; the per-person limit applies per update instead.
        config: { problems: [401], rateLimit: false },
        schema: {
          tags: ["telegram"],
          summary: "Telegram webhook (X-Telegram-Bot-Api-Secret-Token required)",
          description:
            "Telegram's updates. The secret token header must equal the configured secret (401 and nothing processed otherwise); each update_id is handled once, a redelivery answers 200 with no effect.",
          body: z.unknown(),
          response: { 200: z.object({ ok: z.literal(true) }) },
        },
        // The answer is always the same bytes: written as they are, not through the schema.
        serializerCompiler: () => () => OK_BODY,
        // Checked before the body is parsed: a caller without the secret gets nothing processed.
        // A callback hook, not an async one: no promise per update on the acknowledgement path.
        onRequest: (request, _reply, done) => {
          const given = request.headers["x-telegram-bot-api-secret-token"];
          if (!secretMatches(given, expected)) {
            request.log.warn("telegram webhook call with a wrong or missing secret token");
            return done(TelegramErrors.secretInvalid());
          }
          if (deps.telegram?.mode !== "webhook") return done(TelegramErrors.botOff());
          done();
        },
      },
      async (request) => {
        if (!looksLikeUpdate(request.body)) {
          throw TelegramErrors.notAnUpdate(undefined, {
            errors: [{ path: "update_id", message: "must be a non-negative integer" }],
          });
        }
        await deps.telegram!.intake.accept(request.body, request.updateText);
        return { ok: true as const };
      },
    );
  };
}
