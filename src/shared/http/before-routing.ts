import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import type { WindowCount } from "./rate-limit-window";
import { requestIdOf } from "./request-id";

/**
 * Answers a request before Fastify routes it, or returns false to hand it to the app untouched.
 * For the two hottest answers that are the same bytes again and again (the signed empty poll,
 * delivery.empty-poll.ts; an anonymous quote asked before, pricing.quote-answers.ts): each does
 * the checks and counts of its route and writes its route's status, headers and bytes, and hands
 * anything else to the route.
 */
export type EarlyAnswer = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Puts `answers` in front of the app's request handler on its HTTP server, tried in order.
 * `app.inject` does not pass through here (it calls Fastify directly), so the routes' own tests
 * keep testing the routes; the early answers are tested over a socket.
 */
export function answerBeforeRouting(app: FastifyInstance, answers: EarlyAnswer[]): void {
  const [route, ...others] = app.server.listeners("request") as ((
    req: IncomingMessage,
    res: ServerResponse,
  ) => void)[];
  if (!route || others.length > 0) throw new Error("expected Fastify's one request listener");
  app.server.removeListener("request", route);
  app.server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    let answered = false;
    try {
      for (let i = 0; !answered && i < answers.length; i++) answered = answers[i]!(req, res);
    } catch (err) {
      // A throw here would reach no Fastify error handler: it would end the process. Before
      // anything is written the route answers instead (a nonce the poll's path spent makes that
      // a 401, which the EA retries with a new one); after, the connection is dropped.
      app.log.error({ err, url: req.url }, "early answer failed");
      if (res.headersSent) {
        res.destroy();
        return;
      }
      answered = false;
    }
    if (!answered) route(req, res);
  });
}

/**
 * Whether requests may be answered early now: not while the app is closing or shedding load
 * (its route answers 503), nor while Fastify logs each request at info (the early answers write
 * no request log, so with those logs on, requests go through it and are logged).
 */
export function earlyAnswersOpen(app: FastifyInstance, logger: { isLevelEnabled(level: string): boolean }) {
  let closing = false;
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });
  return () => !closing && !app.isUnderPressure() && !logger.isLevelEnabled("info");
}

const JSON_TYPE = "application/json; charset=utf-8";

/**
 * Writes an early answer's 200 with its route's headers, in the route's order: the request id
 * (echoed or new), the route's security policy (`securityLines`: name, value, name, value…), the
 * rate window's `X-RateLimit-*`, then the JSON body's type and length.
 */
export function writeJsonAnswer(
  req: IncomingMessage,
  res: ServerResponse,
  answer: { securityLines: string[]; window: WindowCount; body: string },
): void {
  res.writeHead(200, [
    "x-request-id",
    requestIdOf(req.headers),
    ...answer.securityLines,
    "x-ratelimit-limit",
    String(answer.window.max),
    "x-ratelimit-remaining",
    String(answer.window.remaining),
    "x-ratelimit-reset",
    String(answer.window.ttlInSeconds),
    "content-type",
    JSON_TYPE,
    "content-length",
    String(Buffer.byteLength(answer.body)),
  ]);
  res.end(answer.body);
}
