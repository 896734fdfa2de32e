import { createHash } from "node:crypto";
import helmet, { type FastifyHelmetOptions } from "@fastify/helmet";
import type { FastifyInstance, FastifyReply } from "fastify";

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

/**
 * Security headers on every response (@fastify/helmet), with the API policy by default and a
 * page's own where its route names one (`helmet: PagePolicies.x`). HSTS only when the service is
 * reached over https (PUBLIC_URL), and without includeSubDomains: the operator's other hosts on
 * that domain are not this service's to decide.
 */
export async function registerSecurityHeaders(app: FastifyInstance, opts: { https: boolean }): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: API_CSP,
    frameguard: { action: "deny" },
    strictTransportSecurity: opts.https ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
  });
}
