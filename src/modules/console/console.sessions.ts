import { and, desc, eq, gt, isNull, lt } from "drizzle-orm";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import { newId } from "../../shared/ids";
import type { AuditService } from "../audit/audit.service";
import { ConsoleErrors } from "./console.errors";
import { csrfTokenFor, hashToken, LINK_TTL_MS, newSecretToken, SESSION_TTL_MS } from "./console.models";
import { type ConsoleSessionRow, consoleLinks, consoleSessions } from "./console.table";

export type ConsoleSessions = ReturnType<typeof createConsoleSessions>;

export interface ConsoleSessionView {
  id: string;
  userId: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  expiresAt: string;
  current: boolean;
}

/**
 * Console sign-in: single-use links (API §15) redeemed into cookie sessions. Tokens are 256
 * random bits and only their hashes are stored; CSRF tokens are derived from the session token.
 */
export function createConsoleSessions(deps: {
  db: Executor;
  clock: Clock;
  audit: AuditService;
  publicUrl: string;
  /** The key the CSRF tokens are derived with (the JWT secret: already secret, already shared). */
  csrfKey: string;
}) {
  const view = (row: ConsoleSessionRow, currentId?: string): ConsoleSessionView => ({
    id: row.id,
    userId: row.userId,
    userAgent: row.userAgent,
    ip: row.ip,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    current: row.id === currentId,
  });

  return {
    /** Mints a link for an admin; the caller has checked the role. */
    async createLink(
      userId: string,
      via: "api" | "cli" | "bot",
    ): Promise<{ url: string; expiresAt: string }> {
      const token = newSecretToken();
      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + LINK_TTL_MS);
      await deps.db
        .insert(consoleLinks)
        .values({ tokenHash: hashToken(token), userId, via, createdAt: now, expiresAt });
      await deps.audit.record({
        actorId: userId,
        actorKind: via === "cli" ? "cli" : "admin",
        action: "console.link_created",
        subjectType: "user",
        subjectId: userId,
        data: { via },
      });
      return { url: `${deps.publicUrl}/console/login?token=${token}`, expiresAt: expiresAt.toISOString() };
    },

    /**
     * Redeems a link into a new session. One conditional update marks the link used, so two
     * browsers racing with the same link get one session between them.
     */
    async redeem(
      token: string,
      client: { userAgent?: string; ip?: string },
    ): Promise<{ sessionToken: string; session: ConsoleSessionRow }> {
      const now = deps.clock.now();
      return deps.db.transaction(async (tx) => {
        const [link] = await tx
          .update(consoleLinks)
          .set({ usedAt: now })
          .where(
            and(
              eq(consoleLinks.tokenHash, hashToken(token)),
              isNull(consoleLinks.usedAt),
              gt(consoleLinks.expiresAt, now),
            ),
          )
          .returning({ userId: consoleLinks.userId });
        if (!link) throw ConsoleErrors.linkInvalid();
        const sessionToken = newSecretToken();
        const [session] = await tx
          .insert(consoleSessions)
          .values({
            id: newId("css", now.getTime()),
            tokenHash: hashToken(sessionToken),
            userId: link.userId,
            userAgent: client.userAgent?.slice(0, 300) ?? null,
            ip: client.ip ?? null,
            createdAt: now,
            expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
          })
          .returning();
        await deps.audit.record(
          {
            actorId: link.userId,
            actorKind: "admin",
            action: "console.signed_in",
            subjectType: "console_session",
            subjectId: session!.id,
          },
          tx,
        );
        return { sessionToken, session: session! };
      });
    },

    /** The live session a cookie belongs to, or null (unknown, expired, revoked). */
    async verify(sessionToken: string): Promise<ConsoleSessionRow | null> {
      const [row] = await deps.db
        .select()
        .from(consoleSessions)
        .where(
          and(
            eq(consoleSessions.tokenHash, hashToken(sessionToken)),
            isNull(consoleSessions.revokedAt),
            gt(consoleSessions.expiresAt, deps.clock.now()),
          ),
        );
      return row ?? null;
    },

    csrfTokenFor: (sessionToken: string) => csrfTokenFor(sessionToken, deps.csrfKey),

    /** Live sessions of every admin, newest first: the operator sees who is signed in where. */
    async list(currentId?: string): Promise<ConsoleSessionView[]> {
      const rows = await deps.db
        .select()
        .from(consoleSessions)
        .where(and(isNull(consoleSessions.revokedAt), gt(consoleSessions.expiresAt, deps.clock.now())))
        .orderBy(desc(consoleSessions.id))
        .limit(100);
      return rows.map((r) => view(r, currentId));
    },

    async revoke(actorId: string, sessionId: string): Promise<void> {
      const [row] = await deps.db
        .update(consoleSessions)
        .set({ revokedAt: deps.clock.now() })
        .where(and(eq(consoleSessions.id, sessionId), isNull(consoleSessions.revokedAt)))
        .returning({ id: consoleSessions.id });
      if (!row) throw ConsoleErrors.sessionNotFound();
      await deps.audit.record({
        actorId,
        actorKind: "admin",
        action: "console.session_revoked",
        subjectType: "console_session",
        subjectId: sessionId,
      });
    },

    /** Deletes links and sessions that can no longer be used (the sweeper runs it). */
    async purgeExpired(): Promise<number> {
      const now = deps.clock.now();
      const links = await deps.db.delete(consoleLinks).where(lt(consoleLinks.expiresAt, now)).returning({
        h: consoleLinks.tokenHash,
      });
      const sessions = await deps.db
        .delete(consoleSessions)
        .where(lt(consoleSessions.expiresAt, now))
        .returning({ id: consoleSessions.id });
      return links.length + sessions.length;
    },

    view,
  };
}
