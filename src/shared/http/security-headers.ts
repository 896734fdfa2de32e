import { createHash } from "node:crypto";
// The type only: it declares the `helmet` route option and `reply.helmet`, implemented below.
import type { FastifyHelmetOptions } from "@fastify/helmet";
import type { FastifyInstance, FastifyReply } from "fastify";
import helmet, { type HelmetOptions } from "helmet";

type RoutePolicy = Omit<FastifyHelmetOptions, "global">;
type Directives = Record<string, string[]>;

const csp = (directives: Directives) => ({ useDefaults: false, directives });

/**
 * What every response says unless its route says otherwise (an API answer, a webhook's, a
 * 404): nothing in it may run, load or be framed. The rest are helmet's defaults (nosniff,
 * `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`, same-origin CORP/COOP).
 */
const API_CSP = csp({ "default-src": ["'none'"], "frame-ancestors": ["'none'"] });

/** Scripts and styles from this origin only, never inline; nothing loaded from elsewhere. */
const SAME_ORIGIN_PAGE: Directives = {
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "style-src": ["'self'"],
  "img-src": ["'self'", "data:", "blob:"],
  "connect-src": ["'self'"],
  "font-src": ["'self'"],
  "object-src": ["'none'"],
  "base-uri": ["'none'"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
};

/**
 * The Mini App is shown by Telegram's native apps in a web view (not framed) and by Telegram
 * Web (web.telegram.org, versions A and K) in an iframe, so that one origin may frame it.
 * X-Frame-Options cannot name an origin (ALLOW-FROM is dead), so it is not sent; and the page is
 * a resource another origin embeds, so no same-origin CORP.
 */
const TELEGRAM_WEB = "https://web.telegram.org";

const SWAGGER_LOGO_STYLE = ".logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}";
const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

/** The helmet policy of each kind of page this service serves (route option `helmet`). */
export const PagePolicies = {
  /** The operator console (`/console`): framed by nobody. */
  console: { contentSecurityPolicy: csp(SAME_ORIGIN_PAGE) },
  /** The subscribers' Mini App (`/app`). */
  app: {
    contentSecurityPolicy: csp({ ...SAME_ORIGIN_PAGE, "frame-ancestors": ["'self'", TELEGRAM_WEB] }),
    frameguard: false,
    crossOriginResourcePolicy: false,
  },
  /** The pages' scripts, styles and images (`/assets/*`), loaded by both. */
  assets: { contentSecurityPolicy: csp(SAME_ORIGIN_PAGE) },
  /**
   * Swagger UI (`/docs`): scripts from this origin only, and styles too but for the one `<style>`
   * its bundle puts inside the Swagger logo's SVG, allowed by its hash (the browser test fails on
   * any violation, so a swagger-ui upgrade that changes it is caught). Its validator badge (an
   * image from validator.swagger.io) is turned off where swagger-ui is registered.
   */
  docs: {
    contentSecurityPolicy: csp({
      ...SAME_ORIGIN_PAGE,
      "style-src": ["'self'", sha256(SWAGGER_LOGO_STYLE)],
      "img-src": ["'self'", "data:"],
      "font-src": ["'self'", "data:"],
      "script-src-attr": ["'none'"],
    }),
  },
} satisfies Record<string, RoutePolicy>;

/**
 * The signed device poll (`GET /api/v1/device/poll`), the hottest answer this service writes
 * (SPEC §Speed 1): it keeps what says an API answer may not run, load or be framed (the CSP,
 * `frame-ancestors 'none'` included) and is never sniffed (nosniff), plus HSTS on https, and drops
 * helmet's other nine, which guard pages a browser navigates to. Its 200 goes only to a request
 * carrying a valid, fresh HMAC signature of the device's secret, which a browser never sends on
 * its own (custom headers need a CORS preflight this service does not answer). Each header costs
 * Fastify and Node a lookup, a validation and a line on the wire: the answer goes from 17 headers
 * and 927 bytes to 8 and 645 (docs/perf/poll-profile.md).
 */
export const SIGNED_POLL_POLICY: RoutePolicy = {
  frameguard: false,
  referrerPolicy: false,
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

/**
 * A server-rendered page (checkout return, affiliate landing) with one inline style and script
 * allowed by the nonce its template made. helmet's own nonces (`enableCSPNonces`) would be drawn
 * for every request of the route, before the handler knows whether it renders a page at all;
 * `reply.helmet` applies the plugin's policy with the nonce the page already carries.
 */
export function applyPagePolicy(reply: FastifyReply, nonce: string): void {
  reply.helmet({
    contentSecurityPolicy: csp({
      "default-src": ["'none'"],
      "script-src": [`'nonce-${nonce}'`],
      "style-src": [`'nonce-${nonce}'`],
      "connect-src": ["'self'"],
      "img-src": ["'self'"],
      "base-uri": ["'none'"],
      "form-action": ["'none'"],
      "frame-ancestors": ["'none'"],
    }),
  });
}

/** helmet's middleware for a policy; @fastify/helmet declares the options with helmet's CJS types. */
const helmetFor = (policy: RoutePolicy) => helmet(policy as HelmetOptions);

/** The headers helmet sets under one policy, by lower-case name. */
type PolicyHeaders = Record<string, string>;

/**
 * Runs helmet's middleware for `policy` against a recorder: with no nonce functions among the
 * directives (none here) its output depends on the policy alone, so one run says it all. (The
 * one header helmet removes, X-Powered-By, is never set by Fastify or Node.)
 */
function policyHeaders(policy: RoutePolicy): PolicyHeaders {
  const headers: PolicyHeaders = {};
  const recorder = {
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
    },
    removeHeader: () => {},
  };
  helmetFor(policy)({} as never, recorder as never, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

/** What every answer carries unless its route says otherwise (HSTS only over https). */
const basePolicy = (opts: { https: boolean }): RoutePolicy => ({
  contentSecurityPolicy: API_CSP,
  frameguard: { action: "deny" },
  strictTransportSecurity: opts.https ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
});

/**
 * The headers a route with its own policy answers with (by lower-case name), as the hook below
 * sets them: for an answer written outside Fastify's hooks (delivery.empty-poll.ts).
 */
export function routePolicyHeaders(policy: RoutePolicy, opts: { https: boolean }): Record<string, string> {
  return policyHeaders({ ...basePolicy(opts), ...policy });
}

/**
 * Security headers on every response (helmet), with the API policy by default and a page's own
 * where its route names one (`helmet: PagePolicies.x`, or `config.helmet`). HSTS only when the
 * service is reached over https (PUBLIC_URL), and without includeSubDomains: the operator's other
 * hosts on that domain are not this service's to decide.
 *
 * The headers of each policy are worked out once, on its first request. @fastify/helmet built
 * helmet's whole middleware chain again on every request (every CSP directive parsed anew, two
 * hooks, a closure per reply): that alone took GET /quotes from 0.52 to 0.38 × the bare route
 * in `npm run bench` (issue 18). Same headers, same values, same route options.
 */
export async function registerSecurityHeaders(app: FastifyInstance, opts: { https: boolean }): Promise<void> {
  const base = basePolicy(opts);
  const baseHeaders = policyHeaders(base);
  // Keyed by the route's policy object (PagePolicies' are shared): a handful of entries.
  const routeHeaders = new WeakMap<RoutePolicy, PolicyHeaders>();
  const policyOf = (reply: FastifyReply): RoutePolicy | false | undefined =>
    (reply.request.routeOptions.config as { helmet?: RoutePolicy | false }).helmet;

  // A route's own policy (route option `helmet`) travels in its config, where the hook reads it.
  app.addHook("onRoute", (route) => {
    const own = (route as { helmet?: RoutePolicy | false }).helmet;
    if (own !== undefined) route.config = { ...route.config, helmet: own } as typeof route.config;
  });
  // Reply headers, not the raw response's: Fastify writes them in one pass with its own.
  app.addHook("onRequest", (_request, reply, done) => {
    const policy = policyOf(reply);
    if (policy === undefined) reply.headers(baseHeaders);
    else if (policy !== false) {
      let headers = routeHeaders.get(policy);
      if (!headers) {
        headers = policyHeaders({ ...base, ...policy });
        routeHeaders.set(policy, headers);
      }
      reply.headers(headers);
    }
    done();
  });
  // A page whose policy depends on what it rendered (a nonce) applies it itself: rare, not cached.
  app.decorateReply("helmet", function (this: FastifyReply, extra?: RoutePolicy) {
    this.headers(policyHeaders({ ...base, ...(policyOf(this) || {}), ...extra }));
  } as never);
}
