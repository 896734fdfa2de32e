import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Clock } from "../../shared/clock";
import type { Events } from "../../shared/events";
import { newId } from "../../shared/ids";
import type { AuditService } from "../audit/audit.service";
import { AuthErrors } from "../auth/auth.errors";
import { currentUser, type Guards } from "../auth/auth.guards";
import type { UsersService } from "../users/users.service";
import { ConsoleErrors } from "./console.errors";
import { SESSION_COOKIE } from "./console.models";
import type { ConsoleQueries } from "./console.queries";
import {
  ConsoleLinkSchema,
  ConsoleSessionSchema,
  CurrentSessionSchema,
  DeviceListQuery,
  DevicePage,
  FanoutSchema,
  IdParams,
  StatsQuery,
  StatsSchema,
  UserDetailSchema,
  UserIdParams,
  UserPage,
  UserSearchQuery,
} from "./console.schemas";
import type { ConsoleSessions } from "./console.sessions";
import type { AdminStats } from "./console.stats";

/** The console's API (API §15): sign-in links, sessions, and the admin reads its pages need. */
export function consoleRoutes(deps: {
  guards: Guards;
  clock: Clock;
  users: UsersService;
  consoleSessions: ConsoleSessions;
  consoleQueries: ConsoleQueries;
  adminStats: (days: number) => Promise<AdminStats>;
  secureCookies: boolean;
  audit: AuditService;
  events: Events;
  /** Whether a bot runs here to deliver broadcasts (the composition root knows). */
  botEnabled: boolean;
}): FastifyPluginAsyncZod {
  const { consoleSessions: sessions, consoleQueries: queries } = deps;
  return async (app) => {
    const adminOnly = { onRequest: deps.guards.requireAdmin };
    const tags = ["admin: console"];

    app.post(
      "/api/v1/admin/console-links",
      {
        ...adminOnly,
        schema: {
          summary: "A console sign-in link",
          description: "A single-use link to the operator console, valid for minutes (API \u00a715).",
          tags,
          response: { 201: ConsoleLinkSchema },
        },
      },
      async (req, reply) => reply.code(201).send(await sessions.createLink(currentUser(req).id, "api")),
    );

    app.get(
      "/api/v1/console/session",
      {
        onRequest: deps.guards.requireUser,
        schema: {
          summary: "The console session",
          description: "Who is signed in and the CSRF token writes must send.",
          tags,
          response: { 200: CurrentSessionSchema },
        },
      },
      async (req) => {
        const current = req.consoleSession;
        if (!current) throw AuthErrors.unauthenticated("Sign in to the console with a sign-in link");
        const row = await sessions.verify(current.token);
        if (!row) throw AuthErrors.unauthenticated();
        return {
          session: sessions.view(row, row.id),
          csrfToken: sessions.csrfTokenFor(current.token),
          user: await deps.users.toView(currentUser(req).row),
        };
      },
    );

    app.post(
      "/api/v1/console/logout",
      {
        onRequest: deps.guards.requireUser,
        schema: {
          summary: "Sign out of the console",
          description: "Ends this console session and clears its cookie.",
          tags,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        const current = req.consoleSession;
        if (!current) throw AuthErrors.unauthenticated("Only a console session can sign out");
        await sessions.revoke(currentUser(req).id, current.id);
        const secure = deps.secureCookies ? "; Secure" : "";
        reply.header(
          "set-cookie",
          `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure}`,
        );
        return reply.code(204).send(null);
      },
    );

    app.get(
      "/api/v1/admin/console/sessions",
      {
        ...adminOnly,
        schema: {
          summary: "Console sessions",
          description: "The admin's open console sessions, to review or revoke.",
          tags,
          response: { 200: z.object({ items: z.array(ConsoleSessionSchema) }) },
        },
      },
      async (req) => ({ items: await sessions.list(req.consoleSession?.id) }),
    );

    app.delete(
      "/api/v1/admin/console/sessions/:id",
      {
        ...adminOnly,
        schema: {
          summary: "Revoke a console session",
          description: "That browser is signed out at its next request.",
          tags,
          params: IdParams,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await sessions.revoke(currentUser(req).id, req.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      "/api/v1/admin/broadcasts",
      {
        ...adminOnly,
        schema: {
          summary: "Broadcast a message",
          description: "Queued to every reachable user of the chosen audience; sent at Telegram's pace.",
          tags,
          body: z.object({ text: z.string().trim().min(1).max(4000) }),
          response: { 202: z.object({ id: z.string(), status: z.literal("queued") }) },
        },
      },
      async (req, reply) => {
        if (!deps.botEnabled) throw ConsoleErrors.botUnavailable();
        const id = newId("bcs", deps.clock.now().getTime());
        const actorId = currentUser(req).id;
        await deps.audit.record({
          actorId,
          actorKind: "admin",
          action: "telegram.broadcast",
          subjectType: "broadcast",
          subjectId: id,
          data: { length: req.body.text.length, via: "console" },
        });
        // The audit row is the commit; the bot queues the messages after it (paced outbox).
        deps.events.committed("console.broadcast_requested", { id, text: req.body.text, actorId });
        return reply.code(202).send({ id, status: "queued" as const });
      },
    );

    app.get(
      "/api/v1/admin/stats",
      {
        ...adminOnly,
        schema: {
          summary: "Business statistics",
          description:
            "Revenue per day and per currency with a GBP total, subscribers per tier, new users, churn, devices online and signal outcomes over 7, 30 or 90 days.",
          tags,
          querystring: StatsQuery,
          response: { 200: StatsSchema },
        },
      },
      (req) => deps.adminStats(req.query.days),
    );

    app.get(
      "/api/v1/admin/users",
      {
        ...adminOnly,
        schema: {
          summary: "Find users",
          description: "By Telegram id or username, newest first, a page at a time.",
          tags,
          querystring: UserSearchQuery,
          response: { 200: UserPage },
        },
      },
      async (req) => {
        const found = await queries.searchUsers(req.query.q, req.query.limit, req.query.cursor);
        return {
          items: await Promise.all(found.items.map((row) => deps.users.toView(row))),
          nextCursor: found.nextCursor,
        };
      },
    );

    app.get(
      "/api/v1/admin/users/:userId",
      {
        ...adminOnly,
        schema: {
          summary: "One user",
          description: "Plan periods, orders, devices and recent executions of a user.",
          tags,
          params: UserIdParams,
          response: { 200: UserDetailSchema },
        },
      },
      async (req) => {
        const row = await deps.users.findById(req.params.userId);
        if (!row) throw ConsoleErrors.userNotFound();
        const detail = await queries.userDetail(row.id, deps.clock.now());
        return { user: await deps.users.toView(row), ...detail };
      },
    );

    app.get(
      "/api/v1/admin/devices",
      {
        ...adminOnly,
        schema: {
          summary: "All devices",
          description: "Every device with its owner, online state, account and client version.",
          tags,
          querystring: DeviceListQuery,
          response: { 200: DevicePage },
        },
      },
      (req) =>
        queries.listDevices(
          {
            limit: req.query.limit,
            cursor: req.query.cursor,
            userId: req.query.userId,
            online: req.query.online === undefined ? undefined : req.query.online === "true",
          },
          deps.clock.now(),
        ),
    );

    app.get(
      "/api/v1/admin/signals/:id/fanout",
      {
        ...adminOnly,
        schema: {
          summary: "A signal's fan-out",
          description: "Recipients, approvals, ACKs, fills, failures and silent devices of a signal.",
          tags,
          params: IdParams,
          response: { 200: FanoutSchema },
        },
      },
      async (req) => {
        const fanout = await queries.fanout(req.params.id, deps.clock.now());
        if (!fanout) throw ConsoleErrors.signalNotFound();
        return fanout;
      },
    );
  };
}
