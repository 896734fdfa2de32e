import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser, type Guards } from "../auth/auth.guards";
import { UserStanding } from "./users.schemas";
import type { UsersService } from "./users.service";
import type { UserRow } from "./users.table";

const standing = (row: UserRow) => ({
  id: row.id,
  disabled: row.disabledAt !== null,
  disabledAt: row.disabledAt?.toISOString() ?? null,
});

/** Admin: disable an account (every token, session, initData and device refused) or enable it. */
export function usersAdminRoutes(deps: { users: UsersService; guards: Guards }): FastifyPluginAsyncZod {
  return async (app) => {
    for (const action of ["disable", "enable"] as const) {
      app.post(
        `/api/v1/admin/users/:userId/${action}`,
        {
          onRequest: deps.guards.requireAdmin,
          config: { problems: [409] },
          schema: {
            tags: ["admin: users"],
            summary: action === "disable" ? "Disable a user account" : "Re-enable a disabled user account",
            description:
              action === "disable"
                ? "From the next request on, the user's bearer tokens, console sessions, Telegram initData and devices are refused (403 users.disabled; devices 401 device_auth.rejected). Repeating it changes nothing. An admin cannot disable themselves (409 users.cannot_disable_self)."
                : "The user's unexpired tokens and devices work again. Repeating it changes nothing.",
            params: z.object({ userId: z.string().min(1).max(64) }),
            response: { 200: UserStanding },
          },
        },
        async (request) => {
          const actor = currentUser(request);
          const row = await deps.users.setDisabled(
            { id: actor.id, kind: "admin" },
            request.params.userId,
            action === "disable",
          );
          return standing(row);
        },
      );
    }
  };
}
