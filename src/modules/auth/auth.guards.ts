import type { FastifyReply, FastifyRequest } from "fastify";
import { CommonErrors } from "../../shared/errors";
import type { BucketRule, RateLimiter } from "../../shared/rate-limit";
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

declare module "fastify" {
  interface FastifyRequest {
    authUser?: AuthUser;
  }
}

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
  rateLimiter: RateLimiter;
  userRule: BucketRule;
}) {
  async function authenticate(request: FastifyRequest): Promise<AuthUser | null> {
    const header = request.headers.authorization;
    if (!header) return null;
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (!match) throw AuthErrors.unauthenticated("Use Authorization: Bearer <accessToken>");
    const userId = await deps.tokens.verify(match[1]!);
    const row = userId ? await deps.users.findById(userId) : undefined;
    if (!row) throw AuthErrors.unauthenticated("The access token is invalid or expired");
    const decision = await deps.rateLimiter.take(`user:${row.id}`, deps.userRule);
    if (!decision.allowed) {
      throw CommonErrors.rateLimited("Too many requests for this user", {
        headers: { "retry-after": String(decision.retryAfterSeconds) },
      });
    }
    const user = { id: row.id, role: effectiveRole(row, deps.adminTelegramIds), row };
    request.authUser = user;
    return user;
  }

  return {
    /** Anonymous callers pass; a bad token is still refused (it signals a broken client). */
    async optionalUser(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
      await authenticate(request);
    },
    async requireUser(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
      if (!(await authenticate(request))) throw AuthErrors.unauthenticated();
    },
    async requireAdmin(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
      const user = await authenticate(request);
      if (!user) throw AuthErrors.unauthenticated();
      if (user.role !== "admin") throw AuthErrors.adminOnly();
    },
  };
}
