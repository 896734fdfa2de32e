import type { FastifyReply, FastifyRequest } from "fastify";
import { SECURITY, withSecurity } from "../../shared/http/openapi";
import { UserErrors } from "../users/users.errors";
import { effectiveRole, type Role } from "../users/users.models";
import type { UsersService } from "../users/users.service";
import type { UserRow } from "../users/users.table";
import { AuthErrors } from "./auth.errors";
import type { TokenService } from "./auth.tokens";

export interface AuthUser {
  id: string;
  role: Role;
  row: UserRow;
}

/** A console session's cookie, as the console module checks it (API §15). */
export interface CookieSessions {
  cookieName: string;
  verify(token: string): Promise<{ id: string; userId: string } | null>;
  csrfTokenFor(token: string): string;
  csrfMatches(given: string | undefined, expected: string): boolean;
  readCookie(header: string | undefined, name: string): string | undefined;
}

declare module "fastify" {
  interface FastifyRequest {
    authUser?: AuthUser;
    /** Set when the caller signed in with a console session cookie instead of a bearer token. */
    consoleSession?: { id: string; token: string };
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type Guards = ReturnType<typeof createGuards>;

/** The user a guarded handler runs for; only valid behind requireUser/requireAdmin. */
export function currentUser(request: FastifyRequest): AuthUser {
  if (!request.authUser) throw AuthErrors.unauthenticated();
  return request.authUser;
}

export function createGuards(deps: {
  tokens: TokenService;
  users: Pick<UsersService, "findById">;
  adminTelegramIds: ReadonlySet<number>;
  /** Console sessions: a cookie stands in for the bearer token, writes need the CSRF token. */
  sessions?: CookieSessions;
}) {
  /** The user id of a console session cookie; a write must also carry its CSRF token. */
  async function fromCookie(request: FastifyRequest): Promise<string | null> {
    const sessions = deps.sessions;
    const token = sessions?.readCookie(request.headers.cookie, sessions.cookieName);
    if (!sessions || !token) return null;
    const session = await sessions.verify(token);
    if (!session) throw AuthErrors.unauthenticated("The console session has ended; sign in again");
    if (!SAFE_METHODS.has(request.method)) {
      const given = request.headers["x-csrf-token"];
      if (
        !sessions.csrfMatches(typeof given === "string" ? given : undefined, sessions.csrfTokenFor(token))
      ) {
        throw AuthErrors.csrfInvalid();
      }
    }
    request.consoleSession = { id: session.id, token };
    return session.userId;
  }

  async function authenticate(request: FastifyRequest): Promise<AuthUser | null> {
    const header = request.headers.authorization;
    let userId: string | null;
    if (header) {
      const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
      if (!match) throw AuthErrors.unauthenticated("Use Authorization: Bearer <accessToken>");
      userId = await deps.tokens.verify(match[1]!);
    } else {
      userId = await fromCookie(request);
      if (userId === null) return null;
    }
    const row = userId ? await deps.users.findById(userId) : undefined;
    if (!row) throw AuthErrors.unauthenticated("The access token is invalid or expired");
    // Checked on every request, so disabling an account revokes its tokens and sessions at once.
    if (row.disabledAt) throw UserErrors.disabled();
    const user = { id: row.id, role: effectiveRole(row, deps.adminTelegramIds), row };
    request.authUser = user;
    return user;
  }

  return {
    /** Anonymous callers pass; a bad token is still refused (it signals a broken client). */
    optionalUser: withSecurity(async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
      await authenticate(request);
    }, SECURITY.optionalUser),
    requireUser: withSecurity(async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
      if (!(await authenticate(request))) throw AuthErrors.unauthenticated();
    }, SECURITY.user),
    requireAdmin: withSecurity(async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
      const user = await authenticate(request);
      if (!user) throw AuthErrors.unauthenticated();
      if (user.role !== "admin") throw AuthErrors.adminOnly();
    }, SECURITY.user),
  };
}
