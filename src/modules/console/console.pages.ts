import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import { z } from "zod";
import { AppError } from "../../shared/errors";
import { PagePolicies } from "../../shared/http/security-headers";
import { effectiveRole } from "../users/users.models";
import type { UsersService } from "../users/users.service";
import { ConsoleErrors } from "./console.errors";
import { readCookie, SESSION_COOKIE, SESSION_TTL_MS, sessionCookie } from "./console.models";
import type { ConsoleSessions } from "./console.sessions";

/** Where `npm install` (the prepare step) or `npm run build:web` puts the built pages. */
export const WEB_DIST = fileURLToPath(new URL("../../../web/dist/", import.meta.url));

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** A page for when the console cannot be shown; plain HTML, no script. */
function messagePage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · signaldesk</title></head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p></main></body></html>`;
}

const NOT_BUILT =
  "The web pages are not built on this server. Run `npm run build:web` (npm install runs it through its prepare step) and reload.";

/**
 * The operator console (`/console`) and the subscriber Mini App (`/app`), served from the Vite
 * build in web/dist by this process (API §15). Data comes from the API; these routes only hand
 * out the pages, sign a browser in from a console link, and refuse a non-admin session.
 */
export function consolePages(deps: {
  consoleSessions: ConsoleSessions;
  users: Pick<UsersService, "findById">;
  adminTelegramIds: ReadonlySet<number>;
  secureCookies: boolean;
  logger: Logger;
  distDir?: string;
}): FastifyPluginAsyncZod {
  const dist = deps.distDir ?? WEB_DIST;
  return async (app) => {
    const built = existsSync(`${dist}/console/index.html`) && existsSync(`${dist}/app/index.html`);
    if (!built)
      deps.logger.warn(
        { dist },
        "web pages not built: /console and /app answer 503 until `npm run build:web`",
      );
    // Each page's security headers (CSP, framing) come from its route's helmet policy.
    const page = (helmet: (typeof PagePolicies)[keyof typeof PagePolicies]) =>
      ({ config: { rateLimit: false }, schema: { hide: true }, helmet }) as const;

    async function sendIndex(reply: FastifyReply, which: "console" | "app") {
      const html = await readFile(`${dist}/${which}/index.html`, "utf8").catch(() => null);
      if (html === null)
        return reply.code(503).type("text/html; charset=utf-8").send(messagePage("Not built yet", NOT_BUILT));
      return reply.header("cache-control", "no-cache").type("text/html; charset=utf-8").send(html);
    }

    app.get(
      "/console/login",
      {
        schema: { hide: true, querystring: z.object({ token: z.string().max(200).optional() }) },
        // The sign-in token is in the URL: helmet's Referrer-Policy no-referrer never hands it on.
        helmet: PagePolicies.console,
      },
      async (req, reply) => {
        reply.header("cache-control", "no-store");
        const unusable = () =>
          reply
            .code(401)
            .type("text/html; charset=utf-8")
            .send(
              messagePage(
                "This sign-in link cannot be used",
                "It was already used, has expired (links last 10 minutes) or was mistyped. Ask for a new one: /console in the bot, `signaldesk console-link` on the server, or POST /api/v1/admin/console-links.",
              ),
            );
        if (!req.query.token) return unusable();
        try {
          const { sessionToken } = await deps.consoleSessions.redeem(req.query.token, {
            userAgent: req.headers["user-agent"],
            ip: req.ip,
          });
          reply.header(
            "set-cookie",
            sessionCookie(sessionToken, { secure: deps.secureCookies, maxAgeSeconds: SESSION_TTL_MS / 1000 }),
          );
          return reply.redirect("/console", 303);
        } catch (err) {
          if (err instanceof AppError && err.code === ConsoleErrors.linkInvalid().code) return unusable();
          throw err;
        }
      },
    );

    /** A signed-in session of a user who is not (or no longer) an admin sees no console page. */
    async function refusesNonAdmin(cookieHeader: string | undefined): Promise<boolean> {
      const token = readCookie(cookieHeader, SESSION_COOKIE);
      if (!token) return false;
      const session = await deps.consoleSessions.verify(token);
      if (!session) return false;
      const user = await deps.users.findById(session.userId);
      return !user || effectiveRole(user, deps.adminTelegramIds) !== "admin";
    }

    const consolePage = async (req: { headers: { cookie?: string } }, reply: FastifyReply) => {
      if (await refusesNonAdmin(req.headers.cookie)) {
        return reply
          .code(403)
          .type("text/html; charset=utf-8")
          .send(messagePage("Admins only", "This account is not an admin of this signaldesk."));
      }
      return sendIndex(reply, "console");
    };
    // The pages' own paths (the client-side router's), so a reload or a shared link works.
    app.get("/console", page(PagePolicies.console), consolePage);
    app.get("/console/:page", page(PagePolicies.console), consolePage);
    app.get("/console/:page/:id", page(PagePolicies.console), consolePage);
    app.get("/app", page(PagePolicies.app), (_req, reply) => sendIndex(reply, "app"));
    app.get("/app/:page", page(PagePolicies.app), (_req, reply) => sendIndex(reply, "app"));

    // Vite writes every script, style and image flat into assets/, named by content hash.
    const fastifyStatic = built ? (await import("@fastify/static")).default : undefined;
    if (fastifyStatic) {
      await app.register(fastifyStatic, { root: `${dist}/assets`, serve: false });
    }
    app.get("/assets/:file", page(PagePolicies.assets), async (req, reply) => {
      const { file } = req.params as { file: string };
      if (!fastifyStatic || !/^[\w.-]+$/.test(file) || file.startsWith(".")) {
        return reply.code(404).type("text/plain; charset=utf-8").send("not found");
      }
      // A changed file is a new name, so a browser may keep each one for good.
      return reply.sendFile(file, { immutable: true, maxAge: "365d" });
    });
  };
}
