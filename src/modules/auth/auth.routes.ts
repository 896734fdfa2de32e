import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Clock } from "../../shared/clock";
import type { NonceStore } from "../../shared/signing";
import { UserErrors } from "../users/users.errors";
import { UserSchema } from "../users/users.schemas";
import type { UsersService } from "../users/users.service";
import { AuthErrors } from "./auth.errors";
import { FUTURE_SKEW_SECONDS, INIT_DATA_MAX_AGE_SECONDS, verifyInitData } from "./auth.models";
import { ACCESS_TOKEN_TTL_SECONDS, type TokenService } from "./auth.tokens";

const TelegramAuthBody = z.object({
  initData: z.string().min(1).max(8192),
  ref: z.string().max(64).optional(),
});

const TokenResponse = z.object({
  accessToken: z.string(),
  tokenType: z.literal("Bearer"),
  expiresIn: z.number().int(),
  user: UserSchema,
});

/** A Mini App opened through `startapp=ref_CODE` carries the referral in start_param. */
function referralFrom(ref: string | undefined, startParam: string | null): string | null {
  if (ref) return ref;
  if (startParam?.startsWith("ref_")) return startParam.slice(4);
  return null;
}

export function authRoutes(deps: {
  botToken: string | undefined;
  clock: Clock;
  users: UsersService;
  tokens: TokenService;
  /** Used initData hashes, remembered as long as the initData could still be fresh. */
  nonces: NonceStore;
  initDataMaxAgeSeconds?: number;
}): FastifyPluginAsyncZod {
  const maxAge = deps.initDataMaxAgeSeconds ?? INIT_DATA_MAX_AGE_SECONDS;
  return async (app) => {
    app.post(
      "/api/v1/auth/telegram",
      {
        config: { problems: [401, 403] },
        schema: {
          summary: "Sign in with Telegram initData",
          description:
            "Exchanges a Mini App's signed initData (checked as Telegram documents, at most INIT_DATA_MAX_AGE_SECONDS old, each hash once) for a bearer access token; creates the user on first sight and records an optional referral code. 401 auth.init_data_invalid when it does not verify; 503 when the bot token is not configured.",
          tags: ["auth"],
          body: TelegramAuthBody,
          response: { 200: TokenResponse },
        },
      },
      async (request) => {
        if (!deps.botToken) throw AuthErrors.botUnavailable();
        const now = Math.floor(deps.clock.now().getTime() / 1000);
        const result = verifyInitData(request.body.initData, deps.botToken, now, maxAge);
        if (!result.ok) {
          request.log.info({ reason: result.reason }, "telegram sign-in refused");
          throw AuthErrors.initDataInvalid();
        }
        // Each initData signs in once: a copy (from a log, a shared link) is refused. Remembered in
        // the nonce store (Redis when configured), until its auth_date leaves the window.
        if (!(await deps.nonces.remember("initdata", result.hash, maxAge + FUTURE_SKEW_SECONDS))) {
          request.log.info({ reason: "initData already used" }, "telegram sign-in refused");
          throw AuthErrors.initDataInvalid();
        }
        const { user } = await deps.users.ensureFromTelegram(
          {
            telegramId: result.user.id,
            username: result.user.username ?? null,
            firstName: [result.user.first_name, result.user.last_name].filter(Boolean).join(" "),
            languageCode: result.user.language_code ?? null,
          },
          { referralCode: referralFrom(request.body.ref, result.startParam) },
        );
        if (user.disabledAt) throw UserErrors.disabled();
        return {
          accessToken: await deps.tokens.issue(user.id),
          tokenType: "Bearer" as const,
          expiresIn: ACCESS_TOKEN_TTL_SECONDS,
          user: await deps.users.toView(user),
        };
      },
    );
  };
}
