import type { IncomingMessage, ServerResponse } from "node:http";
import { type EarlyAnswer, writeJsonAnswer } from "../../shared/http/before-routing";
import type { MemoryRateLimit } from "../../shared/http/rate-limit-window";
import type { Metrics } from "../../shared/metrics";
import { type AnonymousQuote, quoteJson } from "./pricing.routes";
import type { PricingService } from "./pricing.service";

const QUOTES_ROUTE = "/api/v1/quotes";
const QUOTES_PREFIX = `${QUOTES_ROUTE}?`;
/**
 * Distinct quote addresses remembered (tiers × months × regions, spelled a few ways): past it the
 * map starts over, and each address is answered once by the route again.
 */
const MAX_ADDRESSES = 1_000;

export interface QuoteAnswersDeps {
  pricing: Pick<PricingService, "memoisedQuote">;
  /** The rate limits' memory count, the one the route's hooks count in. */
  limits: MemoryRateLimit;
  /** The API's security headers (every route's default policy), by lower-case name. */
  securityHeaders: Record<string, string>;
  metrics: Pick<Metrics, "http">;
  /** False while the request must go through the app: closing, overloaded, or logging requests. */
  open: () => boolean;
}

/**
 * An anonymous `GET /api/v1/quotes` whose exact address the route answered before, answered
 * before Fastify routes it (SPEC §Speed 5: ≥ 0.5 × a bare Fastify route; issue 18,
 * docs/perf/quotes.md). A price page or a bot asks the same few quotes over and over; the route
 * validated this address once and said what it means (tier, months, region), so the same bytes
 * are the answer as long as the pricing service holds the same quote without awaiting anything:
 * the tier's catalog cache is fresh (this instance's edits drop it, another's show within 5 s,
 * as they do on the route) and the FX rates need no fetch.
 *
 * Anything else goes to the route, which answers as before: a caller with an Authorization
 * header or any cookie (the route's optional sign-in, referral discounts), a coupon, an address
 * not seen, a stale tier or rate, a spent budget (the 429), a proxy setup (TRUST_PROXY: the
 * counted address is then the forwarded one), a closing or overloaded server, request logs on.
 * What it saves is Fastify's per-request work for this route: routing, request and reply
 * objects, seven hooks (request id, security headers, overload guard, rate limit, optional
 * sign-in, metrics), the query's zod validation and the handler's awaits.
 */
export function quoteAnswers(deps: QuoteAnswersDeps) {
  const addresses = new Map<string, AnonymousQuote>();
  const securityLines = Object.entries(deps.securityHeaders).flat();

  /** The route tells each anonymous quote without a coupon it answered, by raw address. */
  function remember(rawUrl: string, request: AnonymousQuote): void {
    if (addresses.has(rawUrl)) return;
    if (addresses.size >= MAX_ADDRESSES) addresses.clear();
    addresses.set(rawUrl, request);
  }

  const answer: EarlyAnswer = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url;
    if (url === undefined || !url.startsWith(QUOTES_PREFIX) || req.method !== "GET") return false;
    const request = addresses.get(url);
    if (request === undefined || !deps.open()) return false;
    if (req.headers.authorization !== undefined || req.headers.cookie !== undefined) return false;
    const quote = deps.pricing.memoisedQuote(request);
    if (quote === undefined) return false;
    const principal = `ip:${req.socket.remoteAddress}`;
    if (!deps.limits.hasRoom(principal)) return false;

    const started = performance.now();
    const window = deps.limits.count(principal);
    const body = quoteJson(quote);
    writeJsonAnswer(req, res, { securityLines, window, body });
    deps.metrics.http.record("GET", QUOTES_ROUTE, 200, (performance.now() - started) / 1000);
    return true;
  };

  return { remember, answer };
}
