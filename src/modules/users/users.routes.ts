import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { currentUser, type Guards } from "../auth/auth.guards";
import { PatchMeBody, UserSchema } from "./users.schemas";
import type { UsersService } from "./users.service";

export function usersRoutes(deps: { users: UsersService; guards: Guards }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/api/v1/me",
      {
        onRequest: deps.guards.requireUser,
        schema: {
          summary: "The signed-in user",
          description: "The caller's account: Telegram identity, role, tier, autoApprove and region.",
          tags: ["users"],
          response: { 200: UserSchema },
        },
      },
      async (request) => deps.users.toView(currentUser(request).row),
    );

    app.patch(
      "/api/v1/me",
      {
        onRequest: deps.guards.requireUser,
        schema: {
          summary: "Change my preferences",
          description:
            "Sets autoApprove and/or the pricing region. Turning autoApprove on needs a plan with the autoApprove feature (403 entitlements.required).",
          tags: ["users"],
          body: PatchMeBody,
          response: { 200: UserSchema },
        },
      },
      async (request) => {
        const row = await deps.users.updateProfile(currentUser(request).id, request.body);
        return deps.users.toView(row);
      },
    );
  };
}
