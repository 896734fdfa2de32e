import type { Clock } from "../../shared/clock";

type Jose = typeof import("jose");
let jose: Jose | undefined;
/**
 * jose is ~45 module files, a tenth of a second of a cold start before any token is asked for
 * (docs/perf/cold-start.md): it is imported with the first token issued or checked.
 */
const loadJose = async (): Promise<Jose> => {
  jose ??= await import("jose");
  return jose;
};

export const ACCESS_TOKEN_TTL_SECONDS = 3600;
const ISSUER = "signaldesk";
const AUDIENCE = "signaldesk-api";

export type TokenService = ReturnType<typeof createTokenService>;

/** HS256 access tokens carrying only the user id; role and plan are read fresh on each request. */
export function createTokenService(deps: { secret: string; clock: Clock }) {
  const key = new TextEncoder().encode(deps.secret);
  return {
    async issue(userId: string): Promise<string> {
      const { SignJWT } = jose ?? (await loadJose());
      const now = Math.floor(deps.clock.now().getTime() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + ACCESS_TOKEN_TTL_SECONDS)
        .sign(key);
    },
    /** The user id of a valid token, or null for anything else (expired, forged, garbled). */
    async verify(token: string): Promise<string | null> {
      const { errors, jwtVerify } = jose ?? (await loadJose());
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ["HS256"],
          issuer: ISSUER,
          audience: AUDIENCE,
          currentDate: deps.clock.now(),
          // A token without an expiry would be valid forever: every token we issue has one.
          requiredClaims: ["exp", "sub"],
        });
        return typeof payload.sub === "string" ? payload.sub : null;
      } catch (err) {
        if (err instanceof errors.JOSEError || err instanceof TypeError) return null;
        throw err;
      }
    },
  };
}
